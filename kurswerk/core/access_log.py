"""One structured line per request, without the query string (issue 16, "Logging that
costs little").

The query string is where secrets travel (the page token ``kt``, an email link's token,
a CSRF token), so the line has the path only: nothing to redact, nothing to leak. The
line is JSON (method, path, status, duration in ms, bytes sent), written by the logger
``kurswerk.access`` at INFO; an operator who wants fewer lines raises its level
(``KURSWERK_LOG_LEVEL=WARNING``), and then the middleware does no work beyond one level
check per request. uvicorn's own access log is switched off (``kurswerk serve``), so a
request is logged once.
"""

from __future__ import annotations

import json
import logging
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("kurswerk.access")


def access_line(method: str, path: str, status: int, millis: float, sent: int) -> str:
    return json.dumps(
        {"method": method, "path": path, "status": status, "ms": round(millis, 1), "bytes": sent},
        ensure_ascii=False,
        separators=(",", ":"),
    )


class AccessLogMiddleware:
    """Logs each HTTP request once it is answered (``kurswerk.access``, INFO)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not log.isEnabledFor(logging.INFO):
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # what the server answers when the app fails before starting one
        sent = 0

        async def send_and_count(message: Message) -> None:
            nonlocal status, sent
            if message["type"] == "http.response.start":
                status = int(message["status"])
            elif message["type"] == "http.response.body":
                sent += len(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, send_and_count)
        finally:
            millis = (time.perf_counter() - started) * 1000
            log.info(access_line(scope["method"], scope["path"], status, millis, sent))
