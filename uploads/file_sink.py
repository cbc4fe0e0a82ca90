"""The uploaded file's bytes written to its temp file and hashed (SHA-256) in a thread
beside the event loop, while the body streams in.

Hashing and writing are most of the server's CPU time per MB of an upload (measured with
``bench/uploads.py``: SHA-256 about a third, the write into the page cache about a sixth).
``hashlib`` and file writes release the GIL, so a thread does both on another core while
the event loop reads the socket and parses the multipart body - and on a busy machine the
upload has two threads asking for CPU time instead of one. Pieces are handed over in
batches of ``BATCH_BYTES`` (one hand-over per batch, not per network chunk), and at most
one batch per upload is in the thread at a time: the pieces are written and hashed in
their order, and an upload holds at most about two batches in memory, whatever its size.
A small upload (below one batch) is written and hashed on the event loop at the end,
without a thread.

The pieces must not change after :meth:`FileSink.add` (``bytes`` or views of them). The
hand-over uses the running asyncio loop (the server's and the test client's).
"""

from __future__ import annotations

import asyncio
import hashlib
import os
from concurrent.futures import ThreadPoolExecutor

from uploads.storage import TempFile

BATCH_BYTES = 512 * 1024
_EXECUTOR = ThreadPoolExecutor(
    max_workers=min(4, os.cpu_count() or 1), thread_name_prefix="kurswerk-upload-sink"
)


class FileSink:
    """Where one upload's file goes: ``temp`` (written through :meth:`TempFile.write`)."""

    def __init__(self, temp: TempFile) -> None:
        self.temp = temp
        self._hash = hashlib.sha256()
        self._pending: list[bytes | memoryview] = []
        self._pending_bytes = 0
        self._running: asyncio.Future[None] | None = None
        self._discarded = False

    def add(self, piece: bytes | memoryview) -> None:
        """Queue the next piece of the file (not copied: it must not change afterwards)."""
        self._pending.append(piece)
        self._pending_bytes += len(piece)

    async def step(self) -> None:
        """Hand the queued pieces to the thread once they make a batch, after the previous
        batch is done (call after each network chunk). A failed write raises here."""
        if self._pending_bytes < BATCH_BYTES:
            return
        await self._wait()
        batch, self._pending, self._pending_bytes = self._pending, [], 0
        loop = asyncio.get_running_loop()
        self._running = loop.run_in_executor(_EXECUTOR, self._store, batch)

    async def close(self) -> str:
        """Write the rest, close the file; return the SHA-256 (hex) of every piece added."""
        await self._wait()
        batch, self._pending, self._pending_bytes = self._pending, [], 0
        self._store(batch)
        self.temp.file.close()
        return self._hash.hexdigest()

    def discard(self) -> None:
        """Stop writing and close the file (the caller deletes it). A batch still in the
        thread stops at its next piece; whatever it raises then is of no interest."""
        self._discarded = True
        self._pending = []
        if self._running is not None:
            self._running.add_done_callback(_ignore_outcome)
        self.temp.file.close()  # serialised with a write in progress by the file's lock

    def _store(self, batch: list[bytes | memoryview]) -> None:
        for piece in batch:
            if self._discarded:
                return
            self.temp.write(piece)
            self._hash.update(piece)

    async def _wait(self) -> None:
        running, self._running = self._running, None
        if running is not None:
            await running


def _ignore_outcome(future: asyncio.Future[None]) -> None:
    if not future.cancelled():
        future.exception()  # retrieved: asyncio does not log it as lost
