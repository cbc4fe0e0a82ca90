"""Tasks for ``kurswerk.core.files.isolation.WorkerPool`` tests. A spawned worker imports its task
by
module and name, so the tasks live at module level in a module of their own."""

from __future__ import annotations

import os
import signal
from typing import Any


def pid_of_worker(_: Any) -> int:
    return os.getpid()


def allocate_mib(mib: int) -> int:
    """Touch ``mib`` MiB, one MiB at a time (as a parser growing its buffers would)."""
    blocks = [bytearray(1024 * 1024) for _ in range(mib)]
    return len(blocks)


def die_by_signal(_: Any) -> None:
    """A native crash (qpdf aborting on an uncaught ``std::bad_alloc``) looks like this."""
    os.kill(os.getpid(), signal.SIGABRT)


def raise_value_error(_: Any) -> None:
    raise ValueError("broken input")
