"""kurswerk.core.files.isolation.WorkerPool: a hostile file's check runs in a worker that has a
memory
limit, and a worker that ran out of memory or died is replaced, never reused."""

from __future__ import annotations

import pytest

from kurswerk.core.files.isolation import WorkerFailed, WorkerOutOfMemory, WorkerPool
from tests.uploads import worker_tasks


def test_a_call_that_allocates_past_the_limit_fails_in_the_worker_and_the_worker_is_replaced():
    """256 MiB against a 32 MiB limit: no free heap the worker holds covers that, so the
    outcome does not depend on how the worker's memory happened to be laid out."""
    with WorkerPool(worker_tasks.pid_of_worker, workers=1, memory_mb=32) as pids:
        first = pids.run(None)  # any argument, None too, is passed to the task
        assert pids.run(None) == first  # a healthy worker is reused
    with WorkerPool(worker_tasks.allocate_mib, workers=1, memory_mb=32) as pool:
        assert pool.run(8) == 8  # within the limit
        with pytest.raises(WorkerOutOfMemory):
            pool.run(256)
        assert pool.run(8) == 8  # a fresh worker answers the next call


def test_the_worker_out_of_memory_is_not_reused():
    with WorkerPool(worker_tasks.allocate_mib, workers=1, memory_mb=32) as pool:
        pool.warm_up()
        (before,) = pool._idle
        with pytest.raises(WorkerOutOfMemory):
            pool.run(256)
        (after,) = pool._idle or [None]
        assert after is None or after.process.pid != before.process.pid
        assert not before.process.is_alive()


def test_a_worker_killed_by_a_signal_is_reported_and_replaced():
    with WorkerPool(worker_tasks.die_by_signal, workers=1) as pool:
        with pytest.raises(WorkerFailed, match="died"):
            pool.run(0)
        assert pool._idle == []  # the dead worker is not handed out again


def test_an_error_raised_by_the_task_reaches_the_caller_as_text():
    """Exceptions from a parser need not pickle: the caller gets the type and message."""
    with (
        WorkerPool(worker_tasks.raise_value_error, workers=1) as pool,
        pytest.raises(WorkerFailed, match="ValueError: broken input"),
    ):
        pool.run(0)
