"""Optional virus scan through a ClamAV daemon (``KURSWERK_CLAMAV_URL``), failing closed.

When a scanner is configured, a file is accepted only on the daemon's explicit ``OK``;
a scanner that is down, slow, answers garbage or refuses the stream makes the upload
fail with ``scan_unavailable`` (503: try again later) - never "accepted unscanned".

The client speaks clamd's ``INSTREAM`` command (see ``man clamd``): ``zINSTREAM\\0``, then
chunks each prefixed with their length as a 4-byte big-endian integer, a zero-length
chunk to end, and one reply ``stream: OK``, ``stream: <signature> FOUND`` or
``... ERROR``, terminated by ``\\0``. It is written here rather than taken from PyPI:
``clamd`` (2014) is unmaintained; ``clamav-client`` (maintained, typed) is GPL-2.0, which
this project has not decided to accept, sends fixed 1 KiB chunks and lets socket errors
during sending escape its own error type; ``aioclamd`` (MIT) has no Unix-socket support.
Fifty lines of protocol, tested against a real clamd (``tests/uploads/test_scan.py``).
"""

from __future__ import annotations

import socket
import struct
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from kurswerk.core.files.errors import UploadRejected
from kurswerk.core.settings import Settings

CHUNK_BYTES = 64 * 1024  # below clamd's StreamMaxLength and its default buffer sizes
MAX_REPLY_BYTES = 4096


class ScannerUnavailable(Exception):
    """The scanner could not give a verdict (down, timed out, refused, garbled)."""


@dataclass(frozen=True)
class ScanVerdict:
    infected: bool
    signature: str | None = None


class ClamdScanner:
    """A clamd reached over ``tcp://host:port`` or ``unix:///path/to/clamd.ctl``."""

    def __init__(self, url: str, *, timeout_seconds: float = 30.0) -> None:
        parts = urlsplit(url)
        if parts.scheme == "tcp" and parts.hostname and parts.port:
            self._address: str | tuple[str, int] = (parts.hostname, parts.port)
        elif parts.scheme == "unix" and parts.path:
            self._address = parts.path
        else:
            raise ValueError(f"KURSWERK_CLAMAV_URL must be tcp://host:port or unix:///path: {url}")
        self.url = url
        self.timeout_seconds = timeout_seconds

    def ping(self) -> bool:
        """True when the daemon answers ``PONG`` (for readiness checks)."""
        try:
            with self._connect(time.monotonic() + self.timeout_seconds) as conn:
                conn.sendall(b"zPING\0")
                return self._reply(conn) == "PONG"
        except ScannerUnavailable:
            return False

    def scan_file(self, path: Path) -> ScanVerdict:
        """Stream the file to clamd; raise :class:`ScannerUnavailable` without a verdict."""
        deadline = time.monotonic() + self.timeout_seconds
        with self._connect(deadline) as conn, open(path, "rb") as file:
            try:
                conn.sendall(b"zINSTREAM\0")
                while chunk := file.read(CHUNK_BYTES):
                    self._arm(conn, deadline)
                    conn.sendall(struct.pack("!I", len(chunk)) + chunk)
                conn.sendall(struct.pack("!I", 0))
            except OSError as exc:
                # clamd closes early when the stream exceeds its StreamMaxLength.
                raise ScannerUnavailable(f"sending to clamd failed: {exc}") from exc
            reply = self._reply(conn, deadline)
        return _verdict(reply)

    def _connect(self, deadline: float) -> socket.socket:
        try:
            remaining = max(deadline - time.monotonic(), 0.001)
            if isinstance(self._address, tuple):
                return socket.create_connection(self._address, timeout=remaining)
            conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                conn.settimeout(remaining)
                conn.connect(self._address)
            except OSError:
                conn.close()
                raise
            return conn
        except OSError as exc:
            raise ScannerUnavailable(f"clamd at {self.url} unreachable: {exc}") from exc

    @staticmethod
    def _arm(conn: socket.socket, deadline: float) -> None:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise ScannerUnavailable("clamd took too long")
        conn.settimeout(remaining)

    def _reply(self, conn: socket.socket, deadline: float | None = None) -> str:
        deadline = deadline or time.monotonic() + self.timeout_seconds
        reply = bytearray()
        try:
            while not reply.endswith(b"\0"):
                self._arm(conn, deadline)
                data = conn.recv(MAX_REPLY_BYTES)
                if not data:
                    break
                reply += data
                if len(reply) > MAX_REPLY_BYTES:
                    raise ScannerUnavailable("clamd reply too long")
        except OSError as exc:
            raise ScannerUnavailable(f"reading from clamd failed: {exc}") from exc
        if not reply.endswith(b"\0"):
            raise ScannerUnavailable("clamd closed the connection without a reply")
        return reply[:-1].decode("utf-8", errors="replace").strip()


def _verdict(reply: str) -> ScanVerdict:
    if reply == "stream: OK":
        return ScanVerdict(infected=False)
    if reply.startswith("stream: ") and reply.endswith(" FOUND"):
        return ScanVerdict(infected=True, signature=reply[len("stream: ") : -len(" FOUND")])
    raise ScannerUnavailable(f"clamd gave no verdict: {reply[:200]!r}")


def scanner_from_settings(settings: Settings) -> ClamdScanner | None:
    return ClamdScanner(settings.clamav_url) if settings.clamav_url else None


def ensure_clean(path: Path, scanner: ClamdScanner | None) -> None:
    """Refuse an infected file (``virus_found``) or one that could not be scanned
    (``scan_unavailable``); do nothing when no scanner is configured."""
    if scanner is None:
        return
    try:
        verdict = scanner.scan_file(path)
    except ScannerUnavailable as exc:
        raise UploadRejected("scan_unavailable", reason=str(exc)) from exc
    if verdict.infected:
        raise UploadRejected("virus_found", reason=verdict.signature or "")
