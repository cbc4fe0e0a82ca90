"""kurswerk.core.files.scan: the clamd INSTREAM client, against a real clamd with a local EICAR
signature (no signature downloads here) and against fake sockets for failing closed."""

from __future__ import annotations

import hashlib
import shutil
import socket
import struct
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from kurswerk.core.files.errors import UploadRejected
from kurswerk.core.files.scan import (
    ClamdScanner,
    ScannerUnavailable,
    ensure_clean,
    scanner_from_settings,
)
from kurswerk.core.settings import Settings
from tests.uploads import pdfs

# The EICAR test file (harmless by definition), assembled at run time so this source file
# itself does not trip virus scanners.
EICAR = (r"X5O!P%@AP[4\PZX54(P^)7CC)7}$" + "EICAR-STANDARD-ANTIVIRUS-" + "TEST-FILE!$H+H*").encode()
CLAMD = shutil.which("clamd") or ("/usr/sbin/clamd" if Path("/usr/sbin/clamd").exists() else None)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# -- a real clamd ------------------------------------------------------------------------------


class Clamd:
    def __init__(self, process: subprocess.Popen[bytes], tcp_url: str, unix_url: str) -> None:
        self.process = process
        self.tcp_url = tcp_url
        self.unix_url = unix_url


@pytest.fixture(scope="module")
def clamd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Clamd]:
    """clamd (Debian package ``clamav-daemon``) with a database of two local signatures
    for EICAR: a whole-file MD5 (``.hdb``) and a body pattern (``.ndb``)."""
    if CLAMD is None:
        pytest.skip("clamd is not installed (Debian: apt-get install clamav-daemon)")
    home = tmp_path_factory.mktemp("clamd")
    database = home / "db"
    database.mkdir()
    (database / "kurswerk-test.hdb").write_text(
        f"{hashlib.md5(EICAR).hexdigest()}:{len(EICAR)}:Kurswerk-Test-EICAR\n"
    )
    (database / "kurswerk-test.ndb").write_text(f"Kurswerk-Test-EICAR-Body:0:*:{EICAR.hex()}\n")
    port = free_port()
    socket_path = home / "clamd.sock"
    config = home / "clamd.conf"
    config.write_text(
        "\n".join(
            [
                "Foreground yes",
                f"DatabaseDirectory {database}",
                f"LocalSocket {socket_path}",
                "TCPAddr 127.0.0.1",
                f"TCPSocket {port}",
                f"LogFile {home / 'clamd.log'}",
                f"PidFile {home / 'clamd.pid'}",
                "StreamMaxLength 1M",
                "",
            ]
        )
    )
    process = subprocess.Popen(
        [CLAMD, "-c", str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    daemon = Clamd(process, f"tcp://127.0.0.1:{port}", f"unix://{socket_path}")
    scanner = ClamdScanner(daemon.tcp_url, timeout_seconds=2)
    deadline = time.monotonic() + 60
    while not scanner.ping():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            log = (home / "clamd.log").read_text() if (home / "clamd.log").exists() else ""
            errors = process.stderr.read().decode() if process.stderr else ""
            pytest.skip(f"clamd could not be started here: {(errors + log)[-600:]}")
        time.sleep(0.2)
    yield daemon
    process.terminate()
    process.wait(timeout=30)


@pytest.fixture(params=["tcp", "unix"])
def real_scanner(request, clamd: Clamd) -> ClamdScanner:
    return ClamdScanner(clamd.tcp_url if request.param == "tcp" else clamd.unix_url)


def test_a_real_clamd_finds_the_eicar_file(real_scanner, write_file):
    verdict = real_scanner.scan_file(write_file(EICAR, "eicar.pdf"))
    assert verdict.infected
    assert verdict.signature is not None and verdict.signature.startswith("Kurswerk-Test-EICAR")


def test_a_real_clamd_finds_eicar_inside_a_pdf(real_scanner, write_file):
    data = pdfs.make_pdf() + b"\n" + EICAR  # the body signature, anywhere in the file
    verdict = real_scanner.scan_file(write_file(data))
    assert verdict.infected


def test_a_real_clamd_passes_a_clean_pdf(real_scanner, write_file):
    assert real_scanner.scan_file(write_file(pdfs.make_pdf(pages=3))).infected is False


def test_a_real_clamd_passes_a_clean_file_of_several_chunks(real_scanner, write_file):
    data = pdfs.make_pdf() + bytes(300_000)  # five 64 KiB chunks
    assert real_scanner.scan_file(write_file(data)).infected is False


def test_a_file_over_the_scanner_stream_limit_fails_closed(clamd, write_file):
    """clamd is configured with StreamMaxLength 1M: no verdict, so no acceptance."""
    scanner = ClamdScanner(clamd.tcp_url)
    with pytest.raises(ScannerUnavailable):
        scanner.scan_file(write_file(bytes(3 * 1024 * 1024)))


def test_ensure_clean_refuses_an_infected_file(clamd, write_file):
    with pytest.raises(UploadRejected) as caught:
        ensure_clean(write_file(EICAR), ClamdScanner(clamd.unix_url))
    assert caught.value.code == "virus_found"
    ensure_clean(write_file(pdfs.make_pdf(), "clean.pdf"), ClamdScanner(clamd.unix_url))


# -- failing closed, with fake daemons ------------------------------------------------------


class FakeDaemon:
    """A one-thread TCP server; ``handle(conn)`` plays clamd's part for each connection."""

    def __init__(self, handle: Callable[[socket.socket], None]) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.url = f"tcp://127.0.0.1:{self.server.getsockname()[1]}"
        self.handle = handle
        self.received = bytearray()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        try:
            while True:
                conn, _ = self.server.accept()
                with conn:
                    self.handle(conn)
        except OSError:
            return

    def close(self) -> None:
        self.server.close()


@pytest.fixture
def fake_daemon() -> Iterator[Callable[[Callable[[socket.socket], None]], FakeDaemon]]:
    daemons: list[FakeDaemon] = []

    def start(handle: Callable[[socket.socket], None]) -> FakeDaemon:
        daemons.append(FakeDaemon(handle))
        return daemons[-1]

    yield start
    for daemon in daemons:
        daemon.close()


def read_instream(conn: socket.socket) -> bytes:
    """The server side of INSTREAM: command, then length-prefixed chunks until 0."""
    reader = conn.makefile("rb")
    command = b""
    while not command.endswith(b"\0"):
        command += reader.read(1)
    assert command == b"zINSTREAM\0"
    payload = bytearray()
    while True:
        (length,) = struct.unpack("!I", reader.read(4))
        if length == 0:
            return bytes(payload)
        payload += reader.read(length)


def test_the_client_frames_the_stream_as_clamd_expects(fake_daemon, write_file):
    data = b"%PDF-1.7\n" + bytes(range(256)) * 1000  # several chunks
    seen: list[bytes] = []

    def handle(conn: socket.socket) -> None:
        seen.append(read_instream(conn))
        conn.sendall(b"stream: Fake-Signature FOUND\0")

    daemon = fake_daemon(handle)
    verdict = ClamdScanner(daemon.url).scan_file(write_file(data))
    assert seen == [data]
    assert verdict.infected and verdict.signature == "Fake-Signature"


def test_a_scanner_that_is_down_fails_closed(write_file):
    scanner = ClamdScanner(f"tcp://127.0.0.1:{free_port()}", timeout_seconds=2)
    with pytest.raises(ScannerUnavailable):
        scanner.scan_file(write_file(pdfs.make_pdf()))
    assert scanner.ping() is False
    with pytest.raises(UploadRejected) as caught:
        ensure_clean(write_file(pdfs.make_pdf()), scanner)
    assert caught.value.code == "scan_unavailable" and caught.value.status_code == 503


def test_a_missing_unix_socket_fails_closed(tmp_path, write_file):
    scanner = ClamdScanner(f"unix://{tmp_path / 'no-such.sock'}")
    with pytest.raises(ScannerUnavailable):
        scanner.scan_file(write_file(pdfs.make_pdf()))


def test_a_scanner_that_never_answers_fails_closed(fake_daemon, write_file):
    release = threading.Event()

    def handle(conn: socket.socket) -> None:
        read_instream(conn)
        release.wait(10)  # says nothing

    daemon = fake_daemon(handle)
    try:
        with pytest.raises(ScannerUnavailable):
            ClamdScanner(daemon.url, timeout_seconds=0.5).scan_file(write_file(pdfs.make_pdf()))
    finally:
        release.set()


@pytest.mark.parametrize(
    "reply",
    [b"", b"stream: OK", b"hello\0", b"INSTREAM size limit exceeded. ERROR\0", b"x" * 9000],
)
def test_a_scanner_without_a_clear_verdict_fails_closed(fake_daemon, write_file, reply):
    def handle(conn: socket.socket) -> None:
        read_instream(conn)
        conn.sendall(reply)  # then closes

    daemon = fake_daemon(handle)
    with pytest.raises(ScannerUnavailable):
        ClamdScanner(daemon.url, timeout_seconds=5).scan_file(write_file(pdfs.make_pdf()))


def test_a_scanner_that_hangs_up_mid_stream_fails_closed(fake_daemon, write_file):
    def handle(conn: socket.socket) -> None:
        conn.recv(100)  # takes the command, then hangs up

    daemon = fake_daemon(handle)
    with pytest.raises(ScannerUnavailable):
        ClamdScanner(daemon.url).scan_file(write_file(bytes(4 * 1024 * 1024)))


def test_without_a_configured_scanner_nothing_is_scanned(write_file):
    assert scanner_from_settings(Settings()) is None
    ensure_clean(write_file(EICAR), None)  # no scanner, no verdict, no refusal


def test_the_scanner_url_comes_from_the_settings():
    scanner = scanner_from_settings(Settings(clamav_url="tcp://127.0.0.1:3310"))
    assert scanner is not None and scanner.url == "tcp://127.0.0.1:3310"


@pytest.mark.parametrize(
    "url", ["127.0.0.1:3310", "tcp://127.0.0.1", "http://clamd:3310", "unix://", "clamd"]
)
def test_a_malformed_scanner_url_is_a_configuration_error(url):
    with pytest.raises(ValueError):
        ClamdScanner(url)
