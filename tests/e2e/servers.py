"""Live uvicorn servers in background threads, on sockets the test bound beforehand."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator

import uvicorn
from fastapi import FastAPI


class LiveServer:
    """One app served on one already-listening socket until ``stop()``."""

    def __init__(self, app: FastAPI, sock: socket.socket) -> None:
        self.server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [sock]}, daemon=True
        )

    def start(self, timeout: float = 15.0) -> None:
        self.thread.start()
        deadline = time.monotonic() + timeout
        while not self.server.started:
            if not self.thread.is_alive():
                raise RuntimeError("live server thread ended before it started serving")
            if time.monotonic() > deadline:
                raise RuntimeError(f"live server did not start within {timeout} s")
            time.sleep(0.02)

    def stop(self, timeout: float = 15.0) -> None:
        self.server.should_exit = True
        self.thread.join(timeout)
        if self.thread.is_alive():
            self.server.force_exit = True
            self.thread.join(timeout)


@contextlib.contextmanager
def served(app: FastAPI) -> Iterator[str]:
    """``app`` on a free loopback port while the block runs; yields its base URL."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen()
    server = LiveServer(app, sock)
    server.start()
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.stop()
        sock.close()
