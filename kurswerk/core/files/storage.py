"""Where uploaded files live: a small interface, a local folder behind it by default.

Files are stored under their content hash (``<aa>/<bb>/<sha256>.pdf``, the key), so the
same bytes are stored once and a key can never point at other bytes. A file arrives in a
temporary file in the storage's own temp folder (same file system, so the final rename is
atomic), is fsynced, renamed into place and its folder fsynced (``commit``): a reader sees
either no object or the whole object, never a partial one, also after a crash. The
service commits the file *before* its database transaction commits; a transaction that
then fails leaves an unreferenced object behind, which is harmless (content-addressed)
and can be collected later.

Object storage can follow behind the same :class:`Storage` protocol: temp files stay local,
``commit`` uploads, ``path_for`` is only offered by local storage.
"""

from __future__ import annotations

import ctypes
import os
import re
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol, cast

from kurswerk.core.settings import Settings

_SHA256 = re.compile(r"[0-9a-f]{64}")
_KEY = re.compile(r"([0-9a-f]{2})/([0-9a-f]{2})/([0-9a-f]{64})\.pdf")
TEMP_DIR = "tmp"
TEMP_PREFIX = "upload-"
WRITEBACK_BYTES = 8 * 1024 * 1024


@dataclass
class TempFile:
    """A fresh, empty temporary file opened for writing (``file``) at ``path``.

    Write through :meth:`write`: every ``WRITEBACK_BYTES`` it asks the kernel to start
    writing what has arrived to the disk, without waiting (:func:`start_writeback`), so the
    disk works while the rest streams in and the ``fsync`` of ``commit`` finds little left
    to do (for 100 MB it waited 60-85 ms otherwise). Durability still comes from that
    ``fsync`` alone."""

    path: Path
    file: BinaryIO
    written: int = 0
    handed_to_disk: int = 0

    def write(self, data: bytes | memoryview) -> None:
        self.file.write(data)
        self.written += len(data)
        if self.written - self.handed_to_disk >= WRITEBACK_BYTES:
            self.file.flush()
            start_writeback(
                self.file.fileno(), self.handed_to_disk, self.written - self.handed_to_disk
            )
            self.handed_to_disk = self.written


class Storage(Protocol):
    def put_temp(self) -> TempFile:
        """Create an empty temporary file for an incoming upload."""
        ...

    def commit(self, temp_path: Path, sha256: str) -> str:
        """Make the temp file durable under its content hash; return its key.

        Idempotent: if the object exists already, the temp file is dropped and the
        same key returned. On failure the temp file is left for ``delete_temp``."""
        ...

    def open(self, key: str) -> BinaryIO:
        """Open a stored object for reading."""
        ...

    def exists(self, key: str) -> bool: ...

    def path_for(self, key: str) -> Path:
        """The object's local path (local storage only)."""
        ...

    def delete_temp(self, temp_path: Path) -> None:
        """Remove a temp file; a missing one is fine."""
        ...


def _sync_file_range() -> Callable[[int, int, int, int], int] | None:
    """Linux's ``sync_file_range(2)`` (the standard library has no binding), or None."""
    try:
        function = ctypes.CDLL(None, use_errno=True).sync_file_range
    except (AttributeError, OSError):
        return None
    function.argtypes = (ctypes.c_int, ctypes.c_int64, ctypes.c_int64, ctypes.c_uint)
    function.restype = ctypes.c_int
    return cast(Callable[[int, int, int, int], int], function)


_SYNC_FILE_RANGE = _sync_file_range()
_SYNC_FILE_RANGE_WRITE = 2  # start writing the range's dirty pages; do not wait


def start_writeback(fd: int, offset: int, length: int) -> None:
    """Start writing a file's range to the disk and return at once (a hint, as PostgreSQL
    gives after its checkpoint writes): no durability promise, and a no-op where the
    system offers no such call or refuses it."""
    if _SYNC_FILE_RANGE is not None:
        _SYNC_FILE_RANGE(fd, offset, length, _SYNC_FILE_RANGE_WRITE)


def key_for(sha256: str) -> str:
    if not _SHA256.fullmatch(sha256):
        raise ValueError("sha256 must be 64 lowercase hex digits")
    return f"{sha256[:2]}/{sha256[2:4]}/{sha256}.pdf"


def _check_key(key: str) -> None:
    match = _KEY.fullmatch(key)
    if not match or not match.group(3).startswith(match.group(1) + match.group(2)):
        raise ValueError(f"not a storage key: {key!r}")


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class LocalStorage:
    """Objects under ``root/<aa>/<bb>/``, temp files under ``root/tmp/``."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.temp_dir = root / TEMP_DIR
        self.temp_dir.mkdir(parents=True, exist_ok=True)

    def put_temp(self) -> TempFile:
        fd, name = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=".part", dir=self.temp_dir)
        return TempFile(Path(name), os.fdopen(fd, "wb"))

    def commit(self, temp_path: Path, sha256: str) -> str:
        key = key_for(sha256)
        temp_path = self._own_temp(temp_path)
        target = self.root / key
        if target.exists():  # committed (fsynced) before: these bytes need no fsync
            self.delete_temp(temp_path)
            return key
        fd = os.open(temp_path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        self._make_dirs(target.parent)
        os.replace(temp_path, target)  # same content if a concurrent commit won the race
        _fsync_dir(target.parent)
        return key

    def open(self, key: str) -> BinaryIO:
        return open(self.path_for(key), "rb")

    def exists(self, key: str) -> bool:
        return self.path_for(key).is_file()

    def path_for(self, key: str) -> Path:
        _check_key(key)
        return self.root / key

    def delete_temp(self, temp_path: Path) -> None:
        self._own_temp(temp_path).unlink(missing_ok=True)

    def sweep_temp(self, older_than_seconds: float) -> int:
        """Delete temp files left by a crash; return how many went."""
        cutoff = time.time() - older_than_seconds
        removed = 0
        for path in self.temp_dir.glob(f"{TEMP_PREFIX}*"):
            if path.stat().st_mtime < cutoff:
                path.unlink(missing_ok=True)
                removed += 1
        return removed

    def _own_temp(self, temp_path: Path) -> Path:
        """Only files in our temp folder: a caller can never commit or delete other files."""
        resolved = Path(temp_path).resolve()
        if resolved.parent != self.temp_dir.resolve() or not resolved.name.startswith(TEMP_PREFIX):
            raise ValueError(f"not a temp file of this storage: {temp_path}")
        return resolved

    def _make_dirs(self, directory: Path) -> None:
        """Create ``<aa>/<bb>`` and fsync each parent whose entries changed."""
        missing = []
        current = directory
        while not current.exists():
            missing.append(current)
            current = current.parent
        for path in reversed(missing):
            try:
                path.mkdir()
            except FileExistsError:
                continue
            _fsync_dir(path.parent)


def storage_from_settings(settings: Settings) -> LocalStorage:
    """``KURSWERK_STORAGE_URL``: ``file:///abs/path`` or ``file://./relative/path``."""
    url = settings.storage_url
    if not url.startswith("file://"):
        raise ValueError(f"unsupported KURSWERK_STORAGE_URL (only file://): {url}")
    return LocalStorage(Path(url.removeprefix("file://")).resolve())
