"""A stored PDF as a download: streamed from storage in chunks (memory stays flat), as an
attachment that a browser neither sniffs nor runs (``nosniff``, a sandboxing CSP): a
learner's file is not shown inline by these routes. (The feedback pages that do show
one inline - ``feedback.http``, the workbench's preview - send their own CSP.)"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import BinaryIO

from fastapi.responses import StreamingResponse

from kurswerk.core.files.storage import Storage

DOWNLOAD_CHUNK = 64 * 1024


def pdf_download(storage: Storage, key: str, *, disposition: str, size: int) -> StreamingResponse:
    """The PDF stored under ``key`` (``size`` bytes); ``disposition`` is its
    ``Content-Disposition`` (``kurswerk.core.http.content_disposition("attachment", …)``)."""
    return pdf_stream(storage.open(key), disposition=disposition, size=size)


def pdf_stream(
    handle: BinaryIO,
    *,
    disposition: str,
    size: int,
    headers: Mapping[str, str] | None = None,
) -> StreamingResponse:
    """An open PDF file (``size`` bytes) sent in chunks and closed once sent: a stored
    object, or a file made for this one response (unlinked already, it goes with the
    handle). ``headers`` add to or replace the defaults (a PDF shown inline needs its
    own ``Content-Security-Policy``)."""

    def chunks() -> Iterator[bytes]:
        with handle:
            while chunk := handle.read(DOWNLOAD_CHUNK):
                yield chunk

    return StreamingResponse(
        chunks(),
        media_type="application/pdf",
        headers={
            "Content-Disposition": disposition,
            "Content-Length": str(size),
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "sandbox; default-src 'none'",
            **(headers or {}),
        },
    )
