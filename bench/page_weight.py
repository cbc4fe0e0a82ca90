# ruff: noqa: E402 - the imports must follow the sys.path fix below
"""The weight of the lesson page and the tutor queue as Chromium loads them cold, and the
lesson page's load event inside the LMS simulator's frame (prints, asserts nothing).

    .venv/bin/python bench/page_weight.py [--runs 15]

``kurswerk demo`` runs as its own process on loopback (the tool and the LMS simulator, a
temporary SQLite database with the demo course), Carla (learner) and Tom (tutor) launch
from the simulator as a person does, and Carla has one submission waiting (so the queue
has a row). Debian's Chromium (Playwright by ``executable_path``, as the browser tests).

1. weight: each page opened top level in a fresh browser context (empty cache), its
   page token in the address: every request the page makes until the load event and the
   network is idle (HTML, CSS, fonts, scripts, images, the favicon), counted, and the
   bytes on the wire summed (compressed bodies and headers, DevTools'
   ``encodedDataLength``); goals: at most 150 KB (150 x 1024 bytes) transferred and at
   most 6 requests, for the lesson page and for the tutor queue;
2. load event in the frame: the lesson page opened inside the simulator's iframe (where
   the LMS shows it), the browser cache cleared before each run (cold) and kept (warm);
   from the frame's navigation start to its load event (Navigation Timing); goal: p50 at
   most 300 ms on loopback (cold).
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
if sys.path and Path(sys.path[0] or ".").resolve() == ROOT / "bench":
    sys.path[0] = str(ROOT)
else:
    sys.path.insert(0, str(ROOT))

from bench.procstat import load_average
from bench.tool import CHROMIUM, CHROMIUM_ARGS, SECRET, free_port

KIB = 1024
WEIGHT_GOAL_KIB = 150
REQUESTS_GOAL = 6
LOAD_GOAL_MS = 300.0
COURSE_TITLE = "Social-Media-Strategie"
LESSON_PATH = "/lessons/kundenbeziehungen"
QUEUE_PATH = "/queue"
CARLA_SUB = "2004"
NAVIGATION = """() => {
  const [nav] = performance.getEntriesByType("navigation");
  return nav ? nav.loadEventStart - nav.startTime : null;
}"""


def start_demo(port: int, simulator_port: int, database_url: str) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "KURSWERK_ENV": "dev",
        "KURSWERK_DATABASE_URL": database_url,
        "KURSWERK_SECRET_KEY": SECRET,
        "KURSWERK_LOG_LEVEL": "WARNING",
        "KURSWERK_SMTP_URL": "smtp://127.0.0.1:9",  # no mail catcher: nothing is sent here
        "PYTHONPATH": str(ROOT),
    }
    env.pop("KURSWERK_CLAMAV_URL", None)
    command = [sys.executable, "-m", "kurswerk.cli", "demo", "--port", str(port)]
    command += ["--simulator-port", str(simulator_port)]
    process = subprocess.Popen(
        command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    deadline = time.time() + 120
    while time.time() < deadline:
        try:
            with (
                socket.create_connection(("127.0.0.1", simulator_port), timeout=0.2),
                socket.create_connection(("127.0.0.1", port), timeout=0.2),
            ):
                return process
        except OSError:
            if process.poll() is not None:
                error = process.stderr.read().decode(errors="replace") if process.stderr else ""
                raise SystemExit(f"the demo exited at start-up:\n{error[-2000:]}") from None
            time.sleep(0.2)
    process.kill()
    raise SystemExit("the demo did not start")


def launch(page: Any, simulator_url: str, person: str) -> Any:
    """``person`` opens the course from the simulator; the frame with the tool's course home."""
    page.goto(f"{simulator_url}/?person={person}")
    frame_element = page.wait_for_selector("#contentframe")
    page.frame_locator("#contentframe").locator("h1").filter(has_text=COURSE_TITLE).wait_for()
    frame = frame_element.content_frame()
    assert frame is not None
    return frame


def with_path(home_url: str, path: str) -> str:
    """The course home's address (``/c/<n>/?kw_session=...``) with ``path`` in the course."""
    parts = urlsplit(home_url)
    course = parts.path.rstrip("/")
    return f"{parts.scheme}://{parts.netloc}{course}{path}?{parts.query}"


def carla_has_submitted(database_url: str) -> None:
    """One submission of Carla's waiting (rows in the tutor queue), as the upload leaves it."""
    from sqlmodel import select

    from course.models import Exercise
    from kurswerk.core.clock import utcnow
    from kurswerk.core.db import make_engine, new_session
    from lti.models import LmsContext, PlatformUser
    from uploads.models import Submission, SubmissionStatus, SubmissionVersion

    engine = make_engine(database_url)
    try:
        with new_session(engine) as db:
            carla = db.exec(select(PlatformUser).where(PlatformUser.sub == CARLA_SUB)).one()
            context = db.exec(select(LmsContext)).first()
            assert context is not None
            submission = Submission(
                context_id=context.id,
                user_id=carla.id,
                exercise_id=db.exec(select(Exercise.id)).first(),
                industry="media",
                status=SubmissionStatus.SUBMITTED.value,
                latest_version=1,
                submitted_at=utcnow(),
            )
            db.add(submission)
            db.flush()
            db.add(
                SubmissionVersion(
                    submission_id=submission.id,
                    number=1,
                    file_key="",
                    sha256="",
                    size=0,
                    pages=1,
                    display_name="Carlas Lösung.pdf",
                    idempotency_key="bench-page-weight-1",
                    created_at=utcnow(),
                )
            )
            db.commit()
    finally:
        engine.dispose()


def weight(browser: Any, url: str) -> tuple[int, list[tuple[str, int]]]:
    """Bytes on the wire and the requests of ``url`` loaded cold, top level."""
    context = browser.new_context(locale="de-DE")
    try:
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        urls: dict[str, str] = {}
        sizes: dict[str, int] = {}
        cdp.on(
            "Network.requestWillBeSent",
            lambda e: urls.__setitem__(e["requestId"], e["request"]["url"]),
        )
        cdp.on(
            "Network.loadingFinished",
            lambda e: sizes.__setitem__(e["requestId"], int(e["encodedDataLength"])),
        )
        cdp.on("Network.loadingFailed", lambda e: sizes.__setitem__(e["requestId"], 0))
        page.goto(url, wait_until="networkidle")
        page.wait_for_timeout(300)  # the favicon and late fonts
        # data: addresses (the logo, the icon) are part of the page, not requests
        on_wire = [r for r in urls if not urls[r].startswith("data:")]
        requests = [(urlsplit(urls[r]).path, sizes.get(r, 0)) for r in on_wire]
        return sum(size for _, size in requests), requests
    finally:
        context.close()


def frame_loads(page: Any, frame: Any, url: str, runs: int, cold: bool) -> list[float]:
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    times = []
    for _ in range(runs):
        if cold:
            cdp.send("Network.clearBrowserCache")
        frame.goto(url, wait_until="load")
        value = frame.evaluate(NAVIGATION)
        assert value is not None
        times.append(float(value))
    return times


def verdict(met: bool) -> str:
    return "MET" if met else "MISSED"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def report_weight(name: str, total: int, requests: list[tuple[str, int]]) -> None:
    kib = total / KIB
    print(
        f"{name}: {kib:.1f} KB transferred (goal <= {WEIGHT_GOAL_KIB} KB)  "
        f"{verdict(kib <= WEIGHT_GOAL_KIB)}; {len(requests)} requests "
        f"(goal <= {REQUESTS_GOAL})  {verdict(len(requests) <= REQUESTS_GOAL)}"
    )
    for path, size in requests:
        print(f"    {size / KIB:7.1f} KB  {path}")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="kw-bench-weight-") as folder:
        database_url = f"sqlite:///{Path(folder) / 'bench.db'}"
        port, simulator_port = free_port(), free_port()
        simulator_url = f"http://localhost:{simulator_port}"
        print(f"load {load_average()}")
        process = start_demo(port, simulator_port, database_url)
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                context = browser.new_context(locale="de-DE")
                page = context.new_page()
                carla_home = launch(page, simulator_url, "carla").url
                carla_has_submitted(database_url)
                tom_page = context.new_page()
                tom_home = launch(tom_page, simulator_url, "tom").url
                lesson_url = with_path(carla_home, LESSON_PATH)
                queue_url = with_path(tom_home, QUEUE_PATH)
                weight(browser, lesson_url)  # warm-up: the server's imports and caches
                report_weight("lesson page, cold", *weight(browser, lesson_url))
                report_weight("tutor queue, cold", *weight(browser, queue_url))
                frame = launch(page, simulator_url, "carla")
                frame_loads(page, frame, lesson_url, 2, cold=True)  # warm-up
                cold = frame_loads(page, frame, lesson_url, args.runs, cold=True)
                warm = frame_loads(page, frame, lesson_url, args.runs, cold=False)
                browser.close()
        finally:
            process.terminate()
            process.wait(timeout=30)
    p50 = statistics.median(cold)
    print(
        f"lesson page in the simulator's frame, load event: cold p50 {p50:.0f} ms, "
        f"p90 {percentile(cold, 0.9):.0f} ms of {args.runs} (goal p50 <= {LOAD_GOAL_MS:.0f} ms)"
        f"  {verdict(p50 <= LOAD_GOAL_MS)}; warm p50 {statistics.median(warm):.0f} ms"
    )
    print(f"load {load_average()}")


if __name__ == "__main__":
    main()
