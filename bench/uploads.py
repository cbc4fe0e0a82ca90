"""Submitting a PDF through the real route, with the tool as its own server process.

    .venv/bin/python bench/uploads.py [--repeat 5] [--queue-requests 300] [--no-queue]

What it prints (coaching issue, "What must be shown"), each figure beside its goal with
MET or MISSED, and the machine's load average beside the measurements:

1. the server's memory (``VmHWM``, its peak resident set, from ``/proc/<pid>/status`` of
   the uvicorn process that serves the app) while it receives PDFs of 5, 20 and 100 MB,
   with the upload limit raised to 150 MB for the benchmark; goal: the peak grows by less
   than 10 MB from 5 to 100 MB;
2. the upload throughput on loopback: MB/s of ``POST .../submissions`` end to end
   (multipart parse, SHA-256, temporary file, fsync, rename, PDF check, database row,
   receipt mail in the outbox; the 303 answer), median per size; goal: at least 400 MB/s.
   Beside it the server's CPU time per upload (the uvicorn process with all its threads
   and its PDF-check workers) as MB per CPU-second, which the other work on a shared
   machine hardly changes, and the client's own CPU time (is the client the bottleneck?);
3. a 20 MB, 300-page PDF: accepted and validated by the route, end to end; then "the PDF
   check" as the route pays it - ``PdfChecker.check`` through a pre-started worker of the
   same pool class the server uses, hand-off to the worker and answer included - in
   wall-clock and in CPU time (this process and the worker); goal: under 10 ms per 100
   pages; and, for comparison, the check alone in this process (no isolation);
4. the tutor queue page with 100,000 submissions: ``bench/queue.py``'s measurement
   (``measure``), p50 and p99 of the server time; goal: p99 under 50 ms in every scenario.

The PDF check runs in the server's pre-started worker processes (``kurswerk.core.files.isolation``),
so (1) is the memory of receiving and storing, which is what must stay flat; the check's
own limit is its worker's address-space cap.

The client sends each body on a kept-alive connection: the multipart head, the file by
``sendfile`` from the page cache (it never holds an upload in memory, and costs ~10 ms of
CPU per 100 MB), the closing boundary; with a ``Content-Length`` as browsers send it.
Every upload sends other bytes (PDFs made for it), so each is stored as a new object - the
same bytes again would only drop their temp file. The
learner, their coaching grant (an unlimited package) and their session token are written
straight into a fresh SQLite database (or the empty database ``KURSWERK_DATABASE_URL``
names; bench/queue.py makes its own throw-away database on that server).
"""

from __future__ import annotations

import argparse
import http.client
import os
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
# Run as a script, bench/ would come first on sys.path and bench/queue.py would shadow the
# standard library's ``queue`` (which logging.handlers imports): the repository root instead.
if sys.path and Path(sys.path[0] or ".").resolve() == ROOT / "bench":
    sys.path[0] = str(ROOT)
else:
    sys.path.insert(0, str(ROOT))

from bench.procstat import (  # noqa: E402
    cpu_seconds,
    load_average,
    memory_kib,
    thread_cpu_seconds,
)
from bench.tool import SECRET, free_port, tool_env  # noqa: E402
from bench.uploads_pdf import PAGES, make_big_pdf, make_sized_pdf  # noqa: E402

LIMIT_MB = 150
UPLOAD_LIMIT = {"KURSWERK_MAX_UPLOAD_MB": str(LIMIT_MB)}
SIZES_MB = (5, 20, 100)
EXERCISE = "leistungen-pruefen"
INDUSTRY = "media"
BOUNDARY = "benchuploadboundary0123456789"
MB = 1024 * 1024


# --- the learner, straight into the database ----------------------------------------------


@dataclass(frozen=True)
class Uploader:
    context_id: int
    exercise_id: int
    token: str
    csrf: str


def prepare_database(database_url: str, tool_url: str) -> Uploader:
    """Migrations and content (as ``kurswerk demo`` prepares), then a learner in the demo
    course with an unlimited coaching package and a signed session token."""
    from sqlmodel import select

    from coaching.models import CoachingGrant, CoachingPackage
    from course.models import Exercise
    from kurswerk.core.auth import Principal, Role, SessionCodec
    from kurswerk.core.db import make_engine, new_session
    from kurswerk.core.settings import Settings
    from kurswerk.devplatform.config import SimulatorConfig
    from kurswerk.devplatform.demo import content_dir, prepare
    from lti.models import LmsContext, Membership, PlatformUser

    settings = Settings(env="dev", database_url=database_url, base_url=tool_url, secret_key=SECRET)  # type: ignore[arg-type]
    simulator = SimulatorConfig.local(simulator_port=free_port(), tool_port=free_port())
    prepare(settings, simulator, content_dir())  # also seeds the demo course (Carla's grant)
    engine = make_engine(database_url)
    try:
        with new_session(engine) as session:
            context = session.exec(
                select(LmsContext).where(LmsContext.lms_context_id == simulator.course.context_id)
            ).one()
            assert context.id is not None
            user = PlatformUser(
                platform_id=context.platform_id,
                sub="bench-uploader",
                name="Bea Bench",
                email="bea.bench@example.org",
            )
            session.add(user)
            session.flush()
            assert user.id is not None
            session.add(Membership(user_id=user.id, context_id=context.id, role=Role.LEARNER.value))
            package = CoachingPackage(
                platform_id=context.platform_id, name="Benchmark (unbegrenzt)", feedback_quota=None
            )
            session.add(package)
            session.flush()
            assert package.id is not None
            session.add(
                CoachingGrant(package_id=package.id, context_id=context.id, user_id=user.id)
            )
            exercise_id = session.exec(select(Exercise.id).where(Exercise.slug == EXERCISE)).one()
            assert exercise_id is not None
            session.commit()
            principal = Principal(
                user_id=user.id,
                context_id=context.id,
                platform_id=context.platform_id,
                role=Role.LEARNER,
                name="Bea Bench",
                locale="de",
                sid=SessionCodec.new_sid(),
            )
    finally:
        engine.dispose()
    codec = SessionCodec(settings)
    return Uploader(context.id, exercise_id, codec.issue(principal), codec.csrf_token(principal))


# --- the server -----------------------------------------------------------------------------


def start_tool(port: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    """uvicorn with one process: the app runs in the process whose pid we read."""
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "--factory",
            "kurswerk.app:create_app",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
            "--no-access-log",
        ],
        env=env,
        cwd=ROOT,
    )
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return process
        except OSError:
            if process.poll() is not None:
                raise SystemExit("the tool exited at start-up") from None
            time.sleep(0.1)
    process.kill()
    raise SystemExit(f"the tool did not start on port {port}")


# --- the client: a multipart body whose file goes out by sendfile -----------------------------


def body_parts(path: Path) -> tuple[bytes, bytes]:
    head = (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="note"\r\n\r\n'
        "Benchmark\r\n"
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; '
        f'filename="{path.name}"\r\nContent-Type: application/pdf\r\n\r\n'
    ).encode()
    return head, f"\r\n--{BOUNDARY}--\r\n".encode()


@dataclass
class Sample:
    seconds: float
    server_cpu: float  # the server process, its threads and its PDF-check workers
    busiest_thread: float  # CPU time of the server's busiest thread (the event loop)
    client_cpu: float  # this process


def upload(connection: http.client.HTTPConnection, who: Uploader, path: Path, pid: int) -> Sample:
    """POST the file on a kept-alive connection and wait for the tool's answer (a 303 to
    the receipt). The file's bytes go from the page cache to the socket by ``sendfile``,
    so the client costs little CPU beside the server it measures."""
    query = urlencode(
        {
            "industry": INDUSTRY,
            "idempotency_key": secrets.token_urlsafe(24),
            "kt": who.token,
        }
    )
    head, tail = body_parts(path)
    threads, server = thread_cpu_seconds(pid), cpu_seconds(pid)
    client, started = time.process_time(), time.perf_counter()
    connection.putrequest(
        "POST", f"/c/{who.context_id}/exercises/{who.exercise_id}/submissions?{query}"
    )
    connection.putheader("Content-Type", f"multipart/form-data; boundary={BOUNDARY}")
    connection.putheader("X-CSRF-Token", who.csrf)
    connection.putheader("Content-Length", str(len(head) + path.stat().st_size + len(tail)))
    connection.endheaders()
    assert connection.sock is not None
    connection.sock.sendall(head)
    with path.open("rb") as file:
        connection.sock.sendfile(file)
    connection.sock.sendall(tail)
    response = connection.getresponse()
    text = response.read()
    seconds, client = time.perf_counter() - started, time.process_time() - client
    after = thread_cpu_seconds(pid)
    busiest = max(after[key] - threads.get(key, 0.0) for key in after)
    sample = Sample(seconds, cpu_seconds(pid) - server, busiest, client)
    if response.status != 303:
        raise SystemExit(f"upload of {path.name} refused: {response.status}\n{text[:800]!r}")
    return sample


# --- figures --------------------------------------------------------------------------------


def verdict(met: bool) -> str:
    return "MET" if met else "MISSED"


def median(values: list[float]) -> float:
    return statistics.median(values)


def check_through_pool(path: Path, repeat: int) -> tuple[list[float], float]:
    """The PDF check as the route pays it: ``PdfChecker.check`` through a pre-started
    worker (hand-off to the worker, the check, the answer back). Returns the wall-clock
    seconds per call and the CPU seconds per call of this process and the worker."""
    from kurswerk.core.files.pdf.check import PdfChecker

    times = []
    with PdfChecker(workers=1) as checker:
        checker.warm_up()
        checker.check(path)
        cpu = cpu_seconds(os.getpid())
        for _ in range(repeat):
            started = time.perf_counter()
            report = checker.check(path)
            times.append(time.perf_counter() - started)
        cpu = (cpu_seconds(os.getpid()) - cpu) / repeat
    assert report.pages == PAGES
    return times, cpu


def check_in_process(path: Path, repeat: int) -> float:
    """CPU seconds of the check itself (``inspect_pdf``, no isolation), median."""
    from kurswerk.core.files.pdf.check import inspect_pdf

    times = []
    for _ in range(repeat):
        started = time.process_time()
        inspect_pdf(path)
        times.append(time.process_time() - started)
    return median(times)


def bench_uploads(
    connection: http.client.HTTPConnection,
    who: Uploader,
    files: dict[int, list[Path]],
    pid: int,
) -> None:
    base = memory_kib(pid)
    print(f"\nServer process {pid} after warm-up: VmHWM {base['VmHWM'] / 1024:.1f} MB")
    repeat = len(files[SIZES_MB[0]])
    print(f"\n1./2. Uploads ({repeat} per size): the server's memory, throughput, CPU")
    peaks = {}
    for size, paths in files.items():
        samples = [upload(connection, who, path, pid) for path in paths]
        mem = memory_kib(pid)
        peaks[size] = mem["VmHWM"]
        mb = paths[0].stat().st_size / MB
        wall = median([s.seconds for s in samples])
        server = median([s.server_cpu for s in samples])
        busiest = median([s.busiest_thread for s in samples])
        print(
            f"  {mb:5.1f} MB  peak RSS {mem['VmHWM'] / 1024:6.1f} MB "
            f"(+{(mem['VmHWM'] - base['VmHWM']) / 1024:4.1f}); wall clock median "
            f"{wall * 1000:6.1f} ms = {mb / wall:4.0f} MB/s "
            f"(best {mb / min(s.seconds for s in samples):4.0f})  [load {load_average()}]\n"
            f"           server CPU {server * 1000:4.0f} ms = {mb / server:4.0f} MB/CPU-s, "
            f"its busiest thread {busiest * 1000:4.0f} ms = {mb / busiest:4.0f} MB/CPU-s; "
            f"client CPU {median([s.client_cpu for s in samples]) * 1000:3.0f} ms"
        )
    growth = (peaks[SIZES_MB[-1]] - peaks[SIZES_MB[0]]) / 1024
    print(
        f"  memory: peak growth from {SIZES_MB[0]} to {SIZES_MB[-1]} MB: {growth:.1f} MB"
        f"   goal < 10 MB: {verdict(growth < 10)}"
    )
    print(
        f"  throughput at {SIZES_MB[-1]} MB (median, wall clock): {mb / wall:.0f} MB/s"
        f"   goal >= 400 MB/s: {verdict(mb / wall >= 400)}"
    )
    print(
        f"  in CPU time: {mb / server:.0f} MB per server CPU-second (>= 400: "
        f"{verdict(mb / server >= 400)}: one free core would do 400 MB/s); its busiest "
        f"thread (the event loop) does {busiest / server:.0%} of that"
    )


def bench_big_pdf(
    connection: http.client.HTTPConnection, who: Uploader, bigs: list[Path], pid: int
) -> None:
    per_100 = 100 / PAGES * 1000  # seconds for all pages -> ms per 100 pages
    big = bigs[0]
    print(f"\n3. A {big.stat().st_size / MB:.1f} MB, {PAGES}-page PDF  [load {load_average()}]")
    samples = [upload(connection, who, path, pid) for path in bigs]
    print(
        f"  accepted and validated by the route (upload, storage, check, row): median "
        f"{median([s.seconds for s in samples]) * 1000:.0f} ms, "
        f"server CPU {median([s.server_cpu for s in samples]) * 1000:.0f} ms"
    )
    times, cpu = check_through_pool(big, 15)
    wall = median(times) * per_100
    print(
        f"  the PDF check as the route pays it (worker pool, hand-off included): median "
        f"{median(times) * 1000:.1f} ms (best {min(times) * 1000:.1f}) = {wall:.1f} ms per "
        f"100 pages   goal < 10 ms: {verdict(wall < 10)}"
    )
    print(
        f"  the same in CPU time (this process and the worker): {cpu * per_100:.1f} ms per "
        f"100 pages   (< 10 ms: {verdict(cpu * per_100 < 10)})"
    )
    alone = check_in_process(big, 15) * per_100
    print(f"  the check alone, in process (no isolation), CPU time: {alone:.1f} ms per 100 pages")


def bench_queue(requests: int) -> None:
    from bench import queue as queue_bench

    print(f"\n4. Tutor queue page with 100,000 submissions (bench/queue.py, {requests} requests)")
    timings = queue_bench.measure(100_000, requests, plans=False)
    worst = max(timings.values(), key=lambda timing: timing.p99)
    default = next(iter(timings.values()))
    print(
        f"  default page: p50 {default.p50:.1f} ms, p99 {default.p99:.1f} ms; worst p99 of "
        f"all scenarios {worst.p99:.1f} ms   goal p99 < 50 ms: {verdict(worst.p99 < 50)}"
    )
    cpu = max(timing.cpu for timing in timings.values())
    print(
        f"  the app's CPU time per request, worst scenario: {cpu:.1f} ms  [load {load_average()}]"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="uploads per size")
    parser.add_argument("--queue-requests", type=int, default=300)
    parser.add_argument("--no-queue", action="store_true", help="skip the tutor queue")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="kurswerk-bench-uploads-"))
    try:
        run(args, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    if not args.no_queue:
        bench_queue(args.queue_requests)


def run(args: argparse.Namespace, workdir: Path) -> None:
    database_url = os.environ.get("KURSWERK_DATABASE_URL") or f"sqlite:///{workdir / 'bench.db'}"
    port = free_port()
    tool = f"http://127.0.0.1:{port}"
    print(
        f"Kurswerk upload benchmark - database: {database_url.split(':')[0]}, upload limit "
        f"raised to {LIMIT_MB} MB, load average {load_average()}"
    )
    print("Making the PDFs ...", flush=True)
    # Other bytes for every upload: each is stored as a new object (fsync, rename), not
    # recognised as stored already (its temp file dropped), as a real upload would be.
    files = {
        size: [workdir / f"upload-{size}mb-{n}.pdf" for n in range(args.repeat)]
        for size in SIZES_MB
    }
    for size, paths in files.items():
        for path in paths:
            make_sized_pdf(path, size)
    warm = workdir / "warm-up.pdf"
    make_sized_pdf(warm, 1, pages=2)
    bigs = [workdir / f"big-300-pages-{n}.pdf" for n in range(args.repeat)]
    for path in bigs:
        make_big_pdf(path)

    who = prepare_database(database_url, tool)
    server = start_tool(port, tool_env(database_url, tool, workdir, **UPLOAD_LIMIT))
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        for _ in range(3):  # warm-up: pool workers, templates, the connection
            upload(connection, who, warm, server.pid)
        bench_uploads(connection, who, files, server.pid)
        bench_big_pdf(connection, who, bigs, server.pid)
    finally:
        connection.close()
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
