"""One HTTP request straight through an ASGI app, with the body as the test shapes it:
any number of chunks, any ``Content-Length`` (or none, as with chunked transfer), and a
count of how many chunks the app pulled before it answered."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from starlette.types import ASGIApp, Message

HOST = "kurswerk.test"


@dataclass
class Answer:
    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    pulled: int = 0
    """Body chunks the app asked for."""

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


def call(
    app: ASGIApp,
    url: str,
    chunks: Iterable[bytes] = (),
    *,
    method: str = "POST",
    headers: dict[str, str] | None = None,
    disconnect_after: int | None = None,
) -> Answer:
    """Send ``chunks`` as the body of ``method url``; ``headers`` go as given (add a
    ``content-length`` to announce one). ``disconnect_after``: the client goes away after
    that many chunks."""
    parts = urlsplit(url)
    raw_headers = [(b"host", HOST.encode())] + [
        (name.lower().encode("latin-1"), value.encode("latin-1"))
        for name, value in (headers or {}).items()
    ]
    scope: dict[str, Any] = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "https",
        "path": parts.path,
        "raw_path": parts.path.encode(),
        "root_path": "",
        "query_string": parts.query.encode(),
        "headers": raw_headers,
        "client": ("127.0.0.1", 50000),
        "server": (HOST, 443),
    }
    answer = Answer()
    asyncio.run(_run(app, scope, iter(chunks), answer, disconnect_after))
    return answer


async def _run(
    app: ASGIApp,
    scope: dict[str, Any],
    chunks: Iterator[bytes],
    answer: Answer,
    disconnect_after: int | None,
) -> None:
    answered = asyncio.Event()
    pending = next(chunks, b"")  # an empty body is one empty message
    ended = False

    async def receive() -> Message:
        nonlocal pending, ended
        if answer.pulled == disconnect_after:
            return {"type": "http.disconnect"}
        if ended:  # the whole body was read: the client waits for the answer
            await answered.wait()
            return {"type": "http.disconnect"}
        chunk = pending
        pending = next(chunks, None)
        ended = pending is None
        answer.pulled += 1
        return {"type": "http.request", "body": chunk, "more_body": not ended}

    async def send(message: Message) -> None:
        if message["type"] == "http.response.start":
            answer.status = message["status"]
            answer.headers = {
                name.decode("latin-1"): value.decode("latin-1")
                for name, value in message.get("headers", [])
            }
        elif message["type"] == "http.response.body":
            answer.body += message.get("body", b"")
            if not message.get("more_body", False):
                answered.set()

    await app(scope, receive, send)
