"""Every benchmark script starts as the README runs it: ``.venv/bin/python bench/NAME.py``.

Run as a script, ``bench/`` comes first on ``sys.path``, where ``bench/uploads.py`` and
``bench/queue.py`` shadow the ``uploads`` package and the standard library's ``queue``.
Each script's module body (its imports) is executed exactly so, in a fresh interpreter,
without running its ``main``.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
SCRIPTS = sorted(p.name for p in BENCH.glob("*.py") if not p.name.startswith("_"))

# sys.path[0] is the script's folder, as for `python bench/NAME.py`; the module body
# runs under another name, so the `if __name__ == "__main__"` part does not.
PROBE = """
import runpy, sys
sys.path[0] = sys.argv[1]
runpy.run_path(sys.argv[2], run_name="bench_import_check")
"""


def test_the_scripts_are_found():
    assert {"forum.py", "queue.py", "services.py", "uploads.py"} <= set(SCRIPTS)


@pytest.mark.parametrize("script", SCRIPTS)
def test_a_benchmark_script_imports_when_run_from_its_folder(script):
    result = subprocess.run(
        [sys.executable, "-c", PROBE, str(BENCH), str(BENCH / script)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
