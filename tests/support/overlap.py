"""Two transactions made to overlap at the moment that matters, without sleeping.

``with overlapping_writes("coaching_grant") as overlap:`` watches every engine's
statements. The first thread to insert a row into that table pauses right after the
insert, before it commits, until another thread has begun to write as well (or
``others`` other threads, for a crowd). So the other request has done all it does
before its first write while the first is still uncommitted: a request that checks
("does this person hold the package?") and then inserts has checked too early and
inserts again; one that takes a lock before it reads waits at the lock until the first
commits, and then reads the first's row.

It works the same on SQLite (the second writer waits for the database's write lock)
and on PostgreSQL (it waits for a row lock, or does not wait at all without one).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

_WRITE = re.compile(r"\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)


@dataclass
class Overlap:
    table: str
    timeout: float
    others: int = 1  # how many other threads must have begun to write
    paused: bool = False  # the first writer did wait for the other
    timed_out: bool = False  # ... and no other thread wrote within ``timeout``
    _guard: threading.Lock = field(default_factory=threading.Lock)
    _writers: set[int] = field(default_factory=set)
    _first: int | None = None
    _other_wrote: threading.Event = field(default_factory=threading.Event)

    def _inserts_into_table(self, statement: str) -> bool:
        return bool(re.match(rf'\s*INSERT\s+INTO\s+"?{re.escape(self.table)}"?\s', statement, re.I))

    def before(self, conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if not _WRITE.match(statement):
            return
        me = threading.get_ident()
        with self._guard:
            self._writers.add(me)
            self._release_when_enough_wrote()

    def _release_when_enough_wrote(self) -> None:
        """(Under ``_guard``.) Let the first writer go on once enough others wrote."""
        if self._first is not None and len(self._writers - {self._first}) >= self.others:
            self._other_wrote.set()

    def after(self, conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if not self._inserts_into_table(statement):
            return
        me = threading.get_ident()
        with self._guard:
            if self._first is not None:
                return
            self._first = me
            self._release_when_enough_wrote()
        self.paused = True
        self.timed_out = not self._other_wrote.wait(self.timeout)


@contextmanager
def overlapping_writes(table: str, timeout: float = 60.0, *, others: int = 1) -> Iterator[Overlap]:
    """Within the block, the first insert into ``table`` waits (up to ``timeout``) until
    ``others`` other threads write. Write nothing from the test's own thread inside the
    block."""
    overlap = Overlap(table=table, timeout=timeout, others=others)
    event.listen(Engine, "before_cursor_execute", overlap.before)
    event.listen(Engine, "after_cursor_execute", overlap.after)
    try:
        yield overlap
    finally:
        event.remove(Engine, "before_cursor_execute", overlap.before)
        event.remove(Engine, "after_cursor_execute", overlap.after)


def run_at_once(*work: Callable[[], object], timeout: float = 120.0) -> list[object]:
    """Run each callable in a thread of its own, released together; what each returned
    (or the exception it raised), in the order given."""
    start = threading.Barrier(len(work))
    results: list[object] = [None] * len(work)

    def run(index: int, job: Callable[[], object]) -> None:
        start.wait()
        try:
            results[index] = job()
        except Exception as exc:  # handed to the test
            results[index] = exc

    threads = [threading.Thread(target=run, args=item) for item in enumerate(work)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    assert not any(thread.is_alive() for thread in threads), "a thread did not finish"
    return results
