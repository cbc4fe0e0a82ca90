"""One cap on every request body the app reads whole, before any route sees it.

Starlette's ``request.form()`` reads an urlencoded body into memory however long it is,
and the forum, FAQ and feedback routes check the lengths of their texts only after that.
So this middleware reads the body first, up to ``KURSWERK_MAX_FORM_KB``:

* a ``Content-Length`` above the cap is refused before a byte of the body is read;
* a body without one (chunked), or longer than it announced, is refused as soon as it
  passes the cap (or its announcement): reading stops there;
* a client that goes away mid-body is dropped.

Only a body that arrived completely and within the cap is handed on to the app, so no
route ever runs with part of a body and nothing can be half-saved. A refusal is the app's
error page (413, in the user's language; a fragment for HTMX), sent with
``Connection: close`` so that the server hangs up instead of reading the rest.

Routes that stream and cap their bodies themselves (the multipart uploads, up to
``KURSWERK_MAX_UPLOAD_MB``) mark their endpoint with :func:`streams_own_body` and read it
through :class:`StreamedBody`; their requests pass untouched. :class:`MarkedRoutes` reads
the marked routes' paths from the app's route table and matches a request against them
as the router will (path template and method), so no URL is guessed or written twice.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterable
from typing import Any, TypeVar

import fastapi.routing
from starlette.applications import Starlette
from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.routing import Match, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kurswerk.core.errors import BAD_REQUEST, AppError, render_app_error
from kurswerk.core.i18n import N_

_MARK = "_kurswerk_streams_own_body"

Endpoint = TypeVar("Endpoint", bound=Callable[..., Any])
ExemptRequest = Callable[[Scope], bool]


def streams_own_body(endpoint: Endpoint) -> Endpoint:
    """Mark a route's endpoint that reads its body from the stream and caps it itself:
    the app-wide form cap lets its requests through. Put it below ``@router.post``."""
    setattr(endpoint, _MARK, True)
    return endpoint


class StreamedBody:
    """The body of a route that streams its own (:func:`streams_own_body`), as the intake
    reads it, remembering whether it was read to the end.

    A refusal sent before the whole body arrived carries ``Connection: close``
    (:meth:`close_unless_read`): the server then hangs up instead of reading (and
    discarding) the rest of, say, a 2 GB upload.
    """

    def __init__(self, request: Request) -> None:
        self._stream = request.stream()
        self.finished = False

    async def chunks(self) -> AsyncIterator[bytes]:
        async for chunk in self._stream:
            yield chunk
        self.finished = True

    def close_unless_read(self, response: Any) -> Any:
        """``response``, with ``Connection: close`` unless the body was read to the end."""
        if not self.finished:
            response.headers["Connection"] = "close"
        return response


class MarkedRoutes:
    """Whether a request goes to a route marked with :func:`streams_own_body`.

    The routes are collected on the first request: the app factory adds routes until the
    app is built.
    """

    def __init__(self, app: Starlette) -> None:
        self._app = app
        self._routes: list[Route] | None = None

    @property
    def routes(self) -> list[Route]:
        """The marked routes, each with its full path (router prefixes included)."""
        if self._routes is None:
            self._routes = []
            for route in _every_route(self._app):
                endpoint = getattr(route, "endpoint", None)
                if endpoint is not None and getattr(endpoint, _MARK, False):
                    methods = list(route.methods or ())
                    self._routes.append(Route(route.path, endpoint=endpoint, methods=methods))
        return self._routes

    def __call__(self, scope: Scope) -> bool:
        return any(route.matches(scope)[0] is Match.FULL for route in self.routes)


def _every_route(app: Starlette) -> Iterable[Any]:
    """The app's routes, also those of included routers: since FastAPI 0.137 an included
    router stays one nested entry of ``app.routes``, which ``iter_route_contexts``
    unfolds into routes with their full paths; before, ``app.routes`` was flat."""
    unfold = getattr(fastapi.routing, "iter_route_contexts", None)
    return unfold(app.routes) if unfold is not None else app.routes


class BodyLimitMiddleware:
    """Reads each request's body, within ``max_bytes``, before the app runs (see above);
    requests for which ``exempt`` says yes pass untouched."""

    def __init__(self, app: ASGIApp, *, max_bytes: int, exempt: ExemptRequest) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.exempt = exempt

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self.exempt(scope):
            await self.app(scope, receive, send)
            return
        try:
            body = await self._read_body(scope, receive)
        except AppError as refusal:
            response = render_app_error(Request(scope), refusal)
            response.headers["Connection"] = "close"
            await response(scope, receive, send)
            return
        if body is None:  # the client went away: nobody to answer, nothing to run
            return
        await self.app(scope, _replay(body, receive), send)

    async def _read_body(self, scope: Scope, receive: Receive) -> bytes | None:
        """The whole body, at most ``max_bytes`` and no more than announced; ``None`` if
        the client disconnected before it ended."""
        cap = self.max_bytes
        declared = Headers(scope=scope).get("content-length")
        if declared is not None:
            if not declared.isdigit():
                raise AppError(
                    BAD_REQUEST,
                    400,
                    reason=f"content-length {declared[:40]!r}",
                    params={"fields": "Content-Length"},
                )
            if int(declared) > self.max_bytes:
                raise self._too_large(f"content-length {declared} over {self.max_bytes}")
            cap = int(declared)
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return None
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > cap:
                raise self._too_large(
                    f"body over {cap} bytes"
                    + (f" (announced {declared})" if declared is not None else " (no length)")
                )
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)

    def _too_large(self, reason: str) -> AppError:
        return AppError(
            N_(
                "Die Anfrage ist zu groß: Ein Formular darf höchstens %(limit_kb)s KB "
                "senden. Es wurde nichts gespeichert. Gehen Sie im Browser zurück, "
                "kürzen Sie Ihre Eingabe und senden Sie sie erneut."
            ),
            413,
            reason=reason,
            params={"limit_kb": self.max_bytes // 1024},
        )


def _replay(body: bytes, receive: Receive) -> Receive:
    """A ``receive`` that hands the app the body read so far as one message, then the
    server's own messages (``http.disconnect`` when the client leaves)."""
    pending = True

    async def replay() -> Message:
        nonlocal pending
        if pending:
            pending = False
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay
