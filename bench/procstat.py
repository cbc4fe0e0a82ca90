"""What a benchmark reads about processes from Linux's ``/proc``: CPU time, memory, load.

CPU time is what to compare on a shared machine: wall-clock figures include waiting for a
core that other work holds, CPU seconds do not (they still grow a little under load, as
caches are shared).
"""

from __future__ import annotations

import os
from pathlib import Path

_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of ``pid``, all its threads, and its live descendants (a
    server's PDF-check workers); resolution 1/``SC_CLK_TCK`` s per process."""
    return sum(_stat_cpu(f"/proc/{member}/stat") for member in [pid, *descendants(pid)])


def thread_cpu_seconds(pid: int) -> dict[str, float]:
    """CPU time per thread of ``pid`` and of its live descendants (``"pid/tid"`` keys): the
    busiest thread shows how much of a process one core has to do."""
    found = {}
    for member in [pid, *descendants(pid)]:
        for task in Path(f"/proc/{member}/task").glob("*"):
            found[f"{member}/{task.name}"] = _stat_cpu(f"{task}/stat")
    return found


def _stat_cpu(path: str) -> float:
    try:
        with open(path, encoding="ascii") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except FileNotFoundError:
        return 0.0  # ended meanwhile
    return (int(fields[11]) + int(fields[12])) / _TICKS


def descendants(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            children = (task / "children").read_text(encoding="ascii").split()
        except FileNotFoundError:
            continue
        for child in map(int, children):
            found += [child, *descendants(child)]
    return found


def memory_kib(pid: int) -> dict[str, int]:
    """``VmHWM`` (peak resident set) and ``VmRSS`` of ``pid``, in KiB."""
    values = {}
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            key, _, rest = line.partition(":")
            if key in ("VmHWM", "VmRSS"):
                values[key] = int(rest.split()[0])
    return values


def load_average() -> str:
    """The 1, 5 and 15 minute load averages, with the number of cores."""
    one, five, fifteen = os.getloadavg()
    return f"{one:.1f} / {five:.1f} / {fifteen:.1f} on {os.cpu_count()} cores"
