"""Submitting a PDF through the real route, with the tool as its own server process.

    .venv/bin/python bench/uploads.py [--repeat 3]

What it prints (issue 3, §5):
1. the server's memory (``VmHWM``, its peak resident set, and ``VmRSS`` after the
   request, from ``/proc/<pid>/status`` of the uvicorn process that serves the app)
   while it receives PDFs of 5, 20 and 100 MB, with the upload limit raised to 150 MB for
   the benchmark; goal: the peak grows by less than 10 MB from 5 to 100 MB;
2. the upload throughput on loopback: MB/s of ``POST .../submissions`` end to end
   (multipart parse, SHA-256, temporary file, fsync, rename, PDF check, database row,
   receipt mail in the outbox; the 303 answer) for each size; goal: at least 400 MB/s;
3. the time to accept and validate a 20 MB, 300-page PDF (the route, end to end) and the
   PDF check alone through the same worker pool the server uses (``uploads.pdfcheck``);
   goal: the check under 10 ms per 100 pages.

The PDF check runs in the server's pre-started worker processes (``uploads.isolation``),
so (1) is the memory of receiving and storing, which is what must stay flat; the check's
own limit is its worker's address-space cap.

The client streams each body from a file on disk with a generator (it never holds a whole
upload), with a ``Content-Length`` as browsers send it. The learner, their coaching
grant (an unlimited package) and their session token are written straight into a fresh
SQLite database (or the empty database ``KURSWERK_DATABASE_URL`` names). The tutor queue
with 100,000 submissions is measured by ``bench/queue.py``.
"""

from __future__ import annotations

import argparse
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import httpx
import pikepdf
from pikepdf import Dictionary, Name

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.uploads_pdf import PAGES, make_big_pdf  # noqa: E402

SECRET = "bench-secret-key-0123456789-0123456789-abcdef"
LIMIT_MB = 150
SIZES_MB = (5, 20, 100)
EXERCISE = "leistungen-pruefen"
INDUSTRY = "media"
CHUNK = 256 * 1024
BOUNDARY = "benchuploadboundary0123456789"
MB = 1024 * 1024


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def make_sized_pdf(path: Path, megabytes: float, pages: int = 20) -> None:
    """``pages`` pages, each with one image of random (incompressible) bytes: ~``megabytes``."""
    image_bytes = int(megabytes * MB) // pages
    pdf = pikepdf.new()
    for number in range(pages):
        image = pikepdf.Stream(pdf, os.urandom(image_bytes))
        image.Type, image.Subtype = Name.XObject, Name.Image
        image.Width, image.Height = 1000, image_bytes // 3000
        image.ColorSpace, image.BitsPerComponent = Name.DeviceRGB, 8
        content = pikepdf.Stream(pdf, b"q 595 0 0 842 0 0 cm /Im0 Do Q BT (%d) Tj ET" % number)
        page = Dictionary(
            Type=Name.Page,
            MediaBox=[0, 0, 595, 842],
            Contents=pdf.make_indirect(content),
            Resources=Dictionary(XObject=Dictionary(Im0=image)),
        )
        pdf.pages.append(pikepdf.Page(page))
    pdf.save(path)


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

    from course.models import Exercise
    from kurswerk.auth import Principal, Role, SessionCodec
    from kurswerk.db import make_engine, new_session
    from kurswerk.devplatform.config import SimulatorConfig
    from kurswerk.devplatform.demo import content_dir, prepare
    from kurswerk.settings import Settings
    from lti.models import LmsContext, Membership, PlatformUser
    from uploads.models import CoachingGrant, CoachingPackage

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


# --- the server and its memory ------------------------------------------------------------


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


def memory_kib(pid: int) -> dict[str, int]:
    values = {}
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            key, _, rest = line.partition(":")
            if key in ("VmHWM", "VmRSS"):
                values[key] = int(rest.split()[0])
    return values


# --- the client side: a streamed multipart body -------------------------------------------


def body_parts(path: Path) -> tuple[bytes, bytes]:
    head = (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="note"\r\n\r\n'
        "Benchmark\r\n"
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; '
        f'filename="{path.name}"\r\nContent-Type: application/pdf\r\n\r\n'
    ).encode()
    return head, f"\r\n--{BOUNDARY}--\r\n".encode()


def stream_body(path: Path, head: bytes, tail: bytes) -> Iterator[bytes]:
    yield head
    with path.open("rb") as file:
        while chunk := file.read(CHUNK):
            yield chunk
    yield tail


def upload(client: httpx.Client, tool: str, who: Uploader, path: Path) -> float:
    """POST the file; returns seconds until the tool's answer (a 303 to the receipt)."""
    query = urlencode(
        {
            "industry": INDUSTRY,
            "idempotency_key": secrets.token_urlsafe(24),
            "csrf_token": who.csrf,
            "kt": who.token,
        }
    )
    url = f"{tool}/c/{who.context_id}/exercises/{who.exercise_id}/submissions?{query}"
    head, tail = body_parts(path)
    headers = {
        "content-type": f"multipart/form-data; boundary={BOUNDARY}",
        "content-length": str(len(head) + path.stat().st_size + len(tail)),
    }
    started = time.perf_counter()
    response = client.post(url, content=stream_body(path, head, tail), headers=headers)
    seconds = time.perf_counter() - started
    if response.status_code != 303:
        raise SystemExit(
            f"upload of {path.name} refused: {response.status_code}\n{response.text[:800]}"
        )
    return seconds


def check_alone(path: Path, repeat: int) -> list[float]:
    """The PDF check through a pre-started worker pool, as the server runs it."""
    from uploads.pdfcheck import PdfChecker

    times = []
    with PdfChecker(workers=1) as checker:
        checker.warm_up()
        for _ in range(repeat):
            started = time.perf_counter()
            report = checker.check(path)
            times.append(time.perf_counter() - started)
        assert report.pages == PAGES
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="uploads per size")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="kurswerk-bench-uploads-"))
    database_url = os.environ.get("KURSWERK_DATABASE_URL") or f"sqlite:///{workdir / 'bench.db'}"
    port = free_port()
    tool = f"http://127.0.0.1:{port}"
    print(
        f"Kurswerk upload benchmark — {os.cpu_count()} cores, database: "
        f"{database_url.split(':')[0]}, upload limit raised to {LIMIT_MB} MB"
    )
    print("Making the PDFs ...", flush=True)
    files = {}
    for size in SIZES_MB:
        files[size] = workdir / f"upload-{size}mb.pdf"
        make_sized_pdf(files[size], size)
    warm = workdir / "warm-up.pdf"
    make_sized_pdf(warm, 1, pages=2)
    big = workdir / "big-300-pages.pdf"
    make_big_pdf(big)

    who = prepare_database(database_url, tool)
    env = {
        **os.environ,
        "KURSWERK_ENV": "dev",
        "KURSWERK_DATABASE_URL": database_url,
        "KURSWERK_BASE_URL": tool,
        "KURSWERK_SECRET_KEY": SECRET,
        "KURSWERK_STORAGE_URL": f"file://{workdir / 'storage'}",
        "KURSWERK_MAX_UPLOAD_MB": str(LIMIT_MB),
        "KURSWERK_LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }
    env.pop("KURSWERK_CLAMAV_URL", None)  # no virus scan: measure our own work
    server = start_tool(port, env)
    try:
        with httpx.Client(timeout=120) as client:
            for _ in range(3):  # warm-up: pool workers, templates, connections
                upload(client, tool, who, warm)
            base = memory_kib(server.pid)
            print(
                f"\nServer process {server.pid} after warm-up: VmHWM {base['VmHWM'] / 1024:.1f} MB"
            )
            print(f"\n1./2. Uploads ({args.repeat} per size), the server's memory and throughput")
            peaks, rates = {}, {}
            for size in SIZES_MB:
                times = [upload(client, tool, who, files[size]) for _ in range(args.repeat)]
                mem = memory_kib(server.pid)
                peaks[size] = mem["VmHWM"]
                actual_mb = files[size].stat().st_size / MB
                rates[size] = actual_mb / statistics.median(times)
                print(
                    f"  {actual_mb:6.1f} MB  peak RSS {mem['VmHWM'] / 1024:7.1f} MB "
                    f"(+{(mem['VmHWM'] - base['VmHWM']) / 1024:5.1f} over warm-up), "
                    f"RSS after {mem['VmRSS'] / 1024:7.1f} MB, "
                    f"median {statistics.median(times) * 1000:7.1f} ms = {rates[size]:6.0f} MB/s"
                )
            growth = (peaks[SIZES_MB[-1]] - peaks[SIZES_MB[0]]) / 1024
            print(
                f"  peak growth from {SIZES_MB[0]} to {SIZES_MB[-1]} MB: {growth:.1f} MB   "
                f"(goal: < 10 MB -> {'met' if growth < 10 else 'MISSED'})"
            )
            best = rates[SIZES_MB[-1]]
            print(
                f"  throughput at {SIZES_MB[-1]} MB: {best:.0f} MB/s   "
                f"(goal: >= 400 MB/s -> {'met' if best >= 400 else 'MISSED'})"
            )

            print(f"\n3. A {big.stat().st_size / MB:.1f} MB, {PAGES}-page PDF")
            accepted = [upload(client, tool, who, big) for _ in range(args.repeat)]
            print(
                f"  accepted and validated by the route: median "
                f"{statistics.median(accepted) * 1000:.0f} ms (upload, storage, check, row)"
            )
        checks = check_alone(big, max(5, args.repeat))
        per_100 = statistics.median(checks) * 1000 / (PAGES / 100)
        print(
            f"  PDF check alone (worker pool): median {statistics.median(checks) * 1000:.1f} ms"
            f" = {per_100:.1f} ms per 100 pages   "
            f"(goal: < 10 ms per 100 pages -> {'met' if per_100 < 10 else 'MISSED'})"
        )
    finally:
        server.terminate()
        server.wait(timeout=10)

    queue = ROOT / "bench" / "queue.py"
    print(
        "\nTutor queue with 100,000 submissions: "
        + ("run bench/queue.py" if queue.exists() else "bench/queue.py (not in this tree yet)")
    )


if __name__ == "__main__":
    main()
