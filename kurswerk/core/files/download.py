"""A stored PDF as a download: streamed from storage in chunks (memory stays flat), always
as an attachment that a browser neither sniffs nor runs (``nosniff``, a sandboxing CSP):
a learner's file is never shown inline by us."""

from __future__ import annotations

from collections.abc import Iterator

from fastapi.responses import StreamingResponse

from kurswerk.core.files.storage import Storage

DOWNLOAD_CHUNK = 64 * 1024


def pdf_download(storage: Storage, key: str, *, disposition: str, size: int) -> StreamingResponse:
    """The PDF stored under ``key`` (``size`` bytes); ``disposition`` is its
    ``Content-Disposition`` (``kurswerk.core.http.content_disposition("attachment", …)``)."""
    handle = storage.open(key)

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
        },
    )
