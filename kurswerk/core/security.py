"""Response headers that let the LMS frame us, and nobody else.

``frame-ancestors`` is derived from the registered platforms (see ``lti.service``): the
app factory hands this middleware a provider function. There is deliberately no
``X-Frame-Options``: ``DENY``/``SAMEORIGIN`` would break the LMS iframe, and browsers
that know CSP ignore it anyway.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

FrameAncestors = Callable[[], Sequence[str]]


def content_security_policy(frame_ancestors: Sequence[str]) -> str:
    ancestors = " ".join(["'self'", *frame_ancestors])
    return "; ".join(
        [
            "default-src 'self'",
            "img-src 'self' data:",
            "style-src 'self'",
            "script-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            f"frame-ancestors {ancestors}",
        ]
    )


HeaderValue = str | Callable[[], str]
"""A header's value, or how to find it (asked only for a response that lacks the header)."""


class DefaultHeadersMiddleware:
    """Gives every HTTP response the ``headers`` it did not set itself."""

    def __init__(self, app: ASGIApp, headers: Mapping[str, HeaderValue]) -> None:
        self.app = app
        self.headers = headers

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in self.headers.items():
                    if name not in headers:
                        headers[name] = value() if callable(value) else value
            await send(message)

        await self.app(scope, receive, send_with_headers)


class SecurityHeadersMiddleware(DefaultHeadersMiddleware):
    def __init__(self, app: ASGIApp, frame_ancestors: FrameAncestors) -> None:
        super().__init__(
            app,
            {
                "Content-Security-Policy": lambda: content_security_policy(frame_ancestors()),
                "X-Content-Type-Options": "nosniff",
                # Page tokens ride in URLs: never leak them through Referer.
                "Referrer-Policy": "no-referrer",
                "Cache-Control": "no-store",
            },
        )
