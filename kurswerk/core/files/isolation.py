"""Run a risky function (parsing a hostile file) in pre-started worker processes that have
a memory limit and a wall-clock timeout.

Why pre-started workers and not one process per call: starting a Python interpreter and
importing pikepdf costs far more than checking a typical PDF: measured on 2 cores with
``bench/uploads_pdf.py``, a fresh process per check added 330-600 ms to a 300-page check
of ~12 ms, a pooled worker adds the pipe round trip (0.4-0.8 ms; a few ms when the cores
are busy). So each worker is started once (``spawn``, never ``fork``: the server
has threads) and then answers many calls over a pipe. A worker is replaced when it
overruns the timeout (it is killed), dies, hits its memory limit, or has served
``max_tasks`` calls (bounds heap growth).

The memory limit is ``RLIMIT_AS`` set inside the worker only: the worker's address space
when it is ready (interpreter, imported libraries) plus ``memory_mb``. An allocation past
it fails inside the worker (``MemoryError``), never in the server process.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import resource
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any

log = logging.getLogger("kurswerk.uploads.isolation")


class WorkerTimeout(Exception):
    """The call did not finish in time; its worker was killed."""


class WorkerOutOfMemory(Exception):
    """The call ran into the worker's memory limit; the worker was retired."""


class WorkerFailed(Exception):
    """The call raised an unexpected error, or the worker died during it."""


class WorkerUnavailable(Exception):
    """No worker could be had (pool closed, all busy for too long, or start failed)."""


def address_space_bytes() -> int:
    """Current virtual memory size of this process (Linux ``/proc``)."""
    with open("/proc/self/statm", encoding="ascii") as statm:
        pages = int(statm.read().split()[0])
    return pages * os.sysconf("SC_PAGE_SIZE")


def limit_address_space(memory_mb: int) -> int:
    """Cap this process's address space at what it uses now plus ``memory_mb``; return
    the cap. What a worker does first (the fuzzing harness does the same)."""
    limit = address_space_bytes() + memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    return limit


def run_task(task: Callable[[Any], Any], argument: Any) -> tuple[str, Any]:
    """One call as a worker makes it: ``("ok", result)``, ``("memory", None)`` when it ran
    into the memory limit, ``("error", text)`` for any other exception."""
    try:
        return ("ok", task(argument))
    except MemoryError:
        return ("memory", None)
    except Exception as exc:  # noqa: BLE001 - reported to the caller, who fails closed
        return ("error", f"{type(exc).__name__}: {exc}")


def _worker_main(conn: Connection, task: Callable[[Any], Any], memory_mb: int) -> None:
    """Body of a worker: limit the address space, then answer calls until told to stop."""
    conn.send(("ready", limit_address_space(memory_mb)))
    while True:
        try:
            (argument,) = conn.recv()  # boxed, so that any value (None too) is an argument
        except (EOFError, OSError):
            return  # the pool closed its end
        reply = run_task(task, argument)
        try:
            conn.send(reply)
        except MemoryError:
            conn.send(("memory", None))


@dataclass
class _Worker:
    process: BaseProcess
    conn: Connection
    tasks: int = 0
    healthy: bool = True

    def stop(self) -> None:
        self.healthy = False
        if self.process.is_alive():
            self.process.kill()
        self.process.join(timeout=5)
        self.conn.close()


@dataclass
class WorkerPool:
    """A fixed number of worker processes running ``task`` (a module-level function whose
    argument and result pickle). ``run()`` is thread-safe and blocks the calling thread."""

    task: Callable[[Any], Any]
    workers: int = 2
    timeout_seconds: float = 10.0
    memory_mb: int = 512
    max_tasks: int = 500
    start_timeout_seconds: float = 30.0
    _idle: list[_Worker] = field(default_factory=list, init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)
    _slots: threading.BoundedSemaphore = field(init=False, repr=False)
    _closed: bool = field(default=False, init=False, repr=False)

    def __post_init__(self) -> None:
        self._slots = threading.BoundedSemaphore(self.workers)
        self._context = multiprocessing.get_context("spawn")

    def warm_up(self) -> None:
        """Start every worker now (server start-up), so no call waits for a spawn."""
        started = [self._start() for _ in range(self.workers - len(self._idle))]
        with self._lock:
            self._idle.extend(started)

    def run(self, argument: Any) -> Any:
        """Run ``task(argument)`` in a worker and return its result."""
        # A caller may wait for a busy worker at most as long as a few calls can take.
        if not self._slots.acquire(timeout=self.timeout_seconds * 3):
            raise WorkerUnavailable("all workers busy")
        worker: _Worker | None = None
        try:
            worker = self._take()
            worker.tasks += 1
            return self._call(worker, argument)
        finally:
            if worker is not None:
                self._give_back(worker)
            self._slots.release()

    def close(self) -> None:
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
        for worker in idle:
            worker.stop()

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- internals -----------------------------------------------------------------------

    def _start(self) -> _Worker:
        parent, child = self._context.Pipe(duplex=True)
        process = self._context.Process(
            target=_worker_main,
            args=(child, self.task, self.memory_mb),
            name="kurswerk-isolated-worker",
            daemon=True,
        )
        process.start()
        child.close()
        worker = _Worker(process, parent)
        if not parent.poll(self.start_timeout_seconds):
            worker.stop()
            raise WorkerUnavailable("worker did not start in time")
        try:
            parent.recv()
        except (EOFError, OSError) as exc:
            worker.stop()
            raise WorkerUnavailable("worker died while starting") from exc
        return worker

    def _take(self) -> _Worker:
        with self._lock:
            if self._closed:
                raise WorkerUnavailable("pool closed")
            worker = self._idle.pop() if self._idle else None
        if worker is not None and worker.process.is_alive():
            return worker
        if worker is not None:
            worker.stop()
        return self._start()

    def _give_back(self, worker: _Worker) -> None:
        keep = worker.healthy and worker.tasks < self.max_tasks and worker.process.is_alive()
        if keep:
            with self._lock:
                if not self._closed:
                    self._idle.append(worker)
                    return
        worker.stop()

    def _call(self, worker: _Worker, argument: Any) -> Any:
        try:
            worker.conn.send((argument,))
            if not worker.conn.poll(self.timeout_seconds):
                worker.stop()
                raise WorkerTimeout(f"no answer within {self.timeout_seconds} s")
            kind, payload = worker.conn.recv()
        except (EOFError, OSError) as exc:
            worker.stop()
            raise WorkerFailed(f"worker died (exit code {worker.process.exitcode})") from exc
        if kind == "ok":
            return payload
        if kind == "memory":
            worker.healthy = False  # its heap may be in a poor state: start afresh
            raise WorkerOutOfMemory(f"over the limit of {self.memory_mb} MiB")
        raise WorkerFailed(str(payload))
