"""The SHA-256 of an upload, computed in a thread beside the event loop while it streams in.

Hashing is the largest single cost of receiving a file (about a third of the server's CPU
time per MB, measured with ``bench/uploads.py``). ``hashlib`` releases the GIL while it
hashes, so a thread does it on another core while the event loop reads the socket, parses
the multipart body and writes the temp file. Pieces are handed over in batches of
``BATCH_BYTES`` (one hand-over per batch, not per network chunk), and at most one batch
per upload is in the thread at a time: the pieces are hashed in their order, and an upload
holds at most about two batches in memory, whatever its size. A small upload (below one
batch) is hashed on the event loop at the end, without a thread.

The pieces must not change after :meth:`BackgroundHash.add` (``bytes`` or views of them).
"""

from __future__ import annotations

import asyncio
import hashlib
import os
from concurrent.futures import ThreadPoolExecutor

BATCH_BYTES = 512 * 1024
_EXECUTOR = ThreadPoolExecutor(
    max_workers=min(4, os.cpu_count() or 1), thread_name_prefix="kurswerk-upload-sha256"
)


class BackgroundHash:
    def __init__(self) -> None:
        self._hash = hashlib.sha256()
        self._pending: list[bytes | memoryview] = []
        self._pending_bytes = 0
        self._running: asyncio.Future[None] | None = None

    def add(self, piece: bytes | memoryview) -> None:
        """Queue the next piece of the file (not copied: it must not change afterwards)."""
        self._pending.append(piece)
        self._pending_bytes += len(piece)

    async def step(self) -> None:
        """Hand the queued pieces to the thread once they make a batch, after the previous
        batch is done (call after each network chunk)."""
        if self._pending_bytes < BATCH_BYTES:
            return
        await self._wait()
        batch, self._pending, self._pending_bytes = self._pending, [], 0
        loop = asyncio.get_running_loop()
        self._running = loop.run_in_executor(_EXECUTOR, self._update, batch)

    async def hexdigest(self) -> str:
        """The digest of every piece added, in order."""
        await self._wait()
        batch, self._pending, self._pending_bytes = self._pending, [], 0
        self._update(batch)
        return self._hash.hexdigest()

    def _update(self, batch: list[bytes | memoryview]) -> None:
        for piece in batch:
            self._hash.update(piece)

    async def _wait(self) -> None:
        running, self._running = self._running, None
        if running is not None:
            await running
