"""``bench/page_weight.py`` runs end to end, small (2 loads in the frame): the demo
starts, Carla and Tom launch from the simulator, and each figure is printed beside its
goal (its numbers mean nothing here); its temporary folder is gone afterwards."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
VERDICT = r"(MET|MISSED)"


@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's Chromium")
def test_the_page_weight_benchmark_runs_and_prints_each_figure_beside_its_goal(tmp_path: Path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("KURSWERK_")}
    env["TMPDIR"] = str(tmp_path)
    result = subprocess.run(
        [sys.executable, "bench/page_weight.py", "--runs", "2"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    out = result.stdout
    for page in ("lesson page", "tutor queue"):
        figure = rf"{page}, cold: [\d.]+ KB transferred \(goal <= 150 KB\)  {VERDICT}; "
        assert re.search(figure + rf"\d+ requests \(goal <= 6\)  {VERDICT}", out), out
    load = rf"load event: cold p50 \d+ ms, p90 \d+ ms of 2 \(goal p50 <= 300 ms\)  {VERDICT}"
    assert re.search(load, out), out
    assert list(tmp_path.iterdir()) == []
