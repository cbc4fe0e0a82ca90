"""LTI launch round trips and the lesson page, beside the framework floor.

    .venv/bin/python bench/launch.py [--launches 300] [--seconds 8] [--workers 1]

What it prints (issue "foundation", §5):
- full login + launch round trips against the LMS simulator (an independent platform):
  sequential p50/p99 of the whole round trip and of the tool's own ``POST /lti/launch``,
  and round trips per second with 4 concurrent browsers;
- the lesson page under 32 concurrent clients (req/s, p50, p99), beside a bare Starlette
  route that renders the same template with the same context and no database: the
  framework floor. Goals: a launch under 15 ms at p50; the lesson page at least 60 % of the
  floor's throughput (issue 16; the load average beside it);
- the lesson page's bytes on the wire without compression, with gzip and with brotli;
  goal: at most 15 KB compressed.

Every server runs in its own process (tool, simulator, floor), as in production; the load
generator (``bench/loadgen.py``) runs here. The database is a fresh SQLite file unless
``KURSWERK_DATABASE_URL`` names another (PostgreSQL: give an empty database).
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
from concurrent.futures import ThreadPoolExecutor
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.loadgen import run_load, summarise  # noqa: E402
from bench.procstat import cpu_seconds, load_average  # noqa: E402
from bench.tool import SECRET, free_port, tool_env  # noqa: E402

LESSON = "kundenbeziehungen"


# --- the servers, each started as `python bench/launch.py --serve KIND` -----------------


def serve(kind: str, port: int, workers: int) -> None:
    import uvicorn

    if kind == "tool":
        uvicorn.run(
            "kurswerk.app:create_app",
            factory=True,
            host="127.0.0.1",
            port=port,
            workers=workers,
            log_level="warning",
            access_log=False,
        )
    elif kind == "simulator":
        from kurswerk.devplatform.app import create_simulator
        from kurswerk.devplatform.config import SimulatorConfig

        config = SimulatorConfig.local(
            simulator_port=port, tool_port=int(os.environ["BENCH_TOOL_PORT"])
        )
        uvicorn.run(
            create_simulator(config),
            host="127.0.0.1",
            port=port,
            log_level="warning",
            access_log=False,
        )
    elif kind == "floor":
        uvicorn.run(
            "bench.launch:floor_app",
            factory=True,
            host="127.0.0.1",
            port=port,
            workers=workers,
            log_level="warning",
            access_log=False,
        )


def floor_app():  # type: ignore[no-untyped-def]
    """The framework floor: a bare Starlette route rendering ``course/lesson.html`` with the
    context the real route builds, computed once at start; no FastAPI dependencies, no
    database, no token verification per request."""
    from starlette.applications import Starlette
    from starlette.routing import Mount, Route
    from starlette.staticfiles import StaticFiles

    import course.routes  # registers the course templates and messages  # noqa: F401
    from course import lesson_page, service
    from kurswerk.core.auth import Principal, Role, SessionCodec
    from kurswerk.core.db import make_engine, new_session
    from kurswerk.core.settings import get_settings
    from kurswerk.core.templating import render
    from kurswerk.wiring import route_table, wire

    wire()  # the lesson page reads the slots the composition root fills
    settings = get_settings()
    principal = Principal(
        user_id=int(os.environ["BENCH_USER_ID"]),
        context_id=int(os.environ["BENCH_CONTEXT_ID"]),
        platform_id=int(os.environ["BENCH_PLATFORM_ID"]),
        role=Role.LEARNER,
        sid="bench",
    )
    engine = make_engine(settings.database_url)
    with new_session(engine) as session:
        page = lesson_page.lesson_page(session, principal, LESSON)
        session.commit()
    links = service.lesson_links(principal.context_id, LESSON)

    async def lesson(request):  # type: ignore[no-untyped-def]
        request.state.principal = principal
        return render(request, "course/lesson.html", {"page": page, "links": links})

    app = Starlette(
        routes=[
            Route("/lesson", lesson),
            Mount("/static", StaticFiles(directory=ROOT / "kurswerk" / "static"), name="static"),
            # only for url_for: the page names the app's routes; the load hits /lesson only
            *route_table().routes,
        ]
    )
    app.state.session_codec = SessionCodec(settings)
    app.state.settings = settings
    app.state.engine = engine  # the page's course brand: read once a minute, as in the tool
    return app


# --- the browser side of a launch ---------------------------------------------------------


class _Form(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.action = ""
        self.fields: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
        values = dict(attrs)
        if tag == "form":
            self.action = values.get("action") or ""
        elif tag == "input" and values.get("name"):
            self.fields[str(values["name"])] = values.get("value") or ""


def parse_form(html: str) -> tuple[str, dict[str, str]]:
    form = _Form()
    form.feed(html)
    return form.action, form.fields


def one_launch(
    client: httpx.Client, simulator: str, person: str = "lena"
) -> tuple[float, float, str]:
    """A browser's full round trip; returns (total ms, tool's launch ms, landing URL).

    The state cookie is ``Secure``; httpx keeps Secure cookies to https, so it is carried
    by hand here, as a browser does on loopback."""
    started = time.perf_counter()
    action, fields = parse_form(client.get(f"{simulator}/launch/{person}").text)
    login = client.post(action, data=fields)
    assert login.status_code in (302, 303), login.text[:300]
    cookie = login.headers["set-cookie"].split(";", 1)[0]
    auth = client.get(login.headers["location"])
    action, fields = parse_form(auth.text)
    launch_started = time.perf_counter()
    launch = client.post(action, data=fields, headers={"Cookie": cookie})
    launch_ms = (time.perf_counter() - launch_started) * 1000
    assert launch.status_code == 303, launch.text[:300]
    return (time.perf_counter() - started) * 1000, launch_ms, launch.headers["location"]


def cpu_per_request(url: str, pid: int, count: int = 400, clients: int = 4) -> float:
    """The server process's CPU milliseconds per GET of ``url`` (``count`` of them from
    ``clients`` sequential clients; a warm-up first), uncompressed as the load above."""

    def client(n: int) -> None:
        with httpx.Client(timeout=30, headers={"Accept-Encoding": "identity"}) as http:
            for _ in range(n):
                assert http.get(url).status_code == 200

    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(client, [count // 10 // clients] * clients))
        before = cpu_seconds(pid)
        list(pool.map(client, [count // clients] * clients))
    return (cpu_seconds(pid) - before) * 1000 / (count // clients * clients)


# --- orchestration ----------------------------------------------------------------------


def start(kind: str, port: int, env: dict[str, str], workers: int) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        [sys.executable, __file__, "--serve", kind, "--port", str(port), "--workers", str(workers)],
        env=env,
        cwd=ROOT,
    )
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return process
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit(f"{kind} did not start on port {port}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--launches", type=int, default=300)
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--serve", choices=["tool", "simulator", "floor"])
    parser.add_argument("--port", type=int)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.port, args.workers)
        return

    from kurswerk.core.settings import Settings
    from kurswerk.devplatform.config import SimulatorConfig
    from kurswerk.devplatform.demo import content_dir, prepare

    workdir = Path(tempfile.mkdtemp(prefix="kurswerk-bench-"))
    database_url = os.environ.get("KURSWERK_DATABASE_URL") or f"sqlite:///{workdir / 'bench.db'}"
    tool_port, simulator_port, floor_port = free_port(), free_port(), free_port()
    tool, simulator = f"http://127.0.0.1:{tool_port}", f"http://localhost:{simulator_port}"
    env = tool_env(database_url, tool, workdir, BENCH_TOOL_PORT=str(tool_port))
    settings = Settings(env="dev", database_url=database_url, base_url=tool, secret_key=SECRET)  # type: ignore[arg-type]
    prepare(
        settings,
        SimulatorConfig.local(simulator_port=simulator_port, tool_port=tool_port),
        content_dir(),
    )

    processes = [
        start("tool", tool_port, env, args.workers),
        start("simulator", simulator_port, env, 1),
    ]
    try:
        print(
            f"Kurswerk launch benchmark — {os.cpu_count()} cores, tool workers: "
            f"{args.workers}, database: {database_url.split(':')[0]}"
        )
        with httpx.Client(timeout=10) as client:
            for _ in range(20):  # warm-up: keys fetched, caches filled
                one_launch(client, simulator)
            totals, launches, landing = [], [], ""
            for _ in range(args.launches):
                total, launch_ms, landing = one_launch(client, simulator)
                totals.append(total)
                launches.append(launch_ms)
        print(
            f"\nLaunch, sequential ({args.launches} round trips: simulator page, "
            "POST /lti/login, platform auth, POST /lti/launch)"
        )
        print(f"  full round trip         {summarise(totals)}")
        print(
            f"  tool's POST /lti/launch {summarise(launches)}   "
            f"(goal: p50 < 15 ms -> {'met' if statistics.median(launches) < 15 else 'MISSED'})"
        )

        def browser(_: int) -> int:
            with httpx.Client(timeout=10) as client:
                count = 0
                deadline = time.perf_counter() + args.seconds / 2
                while time.perf_counter() < deadline:
                    one_launch(client, simulator)
                    count += 1
                return count

        started = time.perf_counter()
        with ThreadPoolExecutor(4) as pool:
            done = sum(pool.map(browser, range(4)))
        print(
            f"  4 concurrent browsers   {done / (time.perf_counter() - started):.0f} round trips/s"
        )

        # The lesson page as the learner who just launched, with the page token they got.
        query = parse_qs(urlsplit(landing).query)
        token = query["kt"][0]
        from kurswerk.core.auth import SessionCodec

        principal = SessionCodec(settings).read_page_token(token)
        assert principal is not None
        lesson_url = f"{tool}/c/{principal.context_id}/lessons/{LESSON}?kt={token}"
        assert httpx.get(lesson_url).status_code == 200
        env.update(
            BENCH_USER_ID=str(principal.user_id),
            BENCH_CONTEXT_ID=str(principal.context_id),
            BENCH_PLATFORM_ID=str(principal.platform_id),
        )
        processes.append(start("floor", floor_port, env, args.workers))
        floor_url = f"http://127.0.0.1:{floor_port}/lesson"
        assert httpx.get(floor_url).status_code == 200

        print(f"\nLesson page, 32 concurrent clients, {args.seconds:.0f} s each")
        page = run_load("lesson page (tool)", lesson_url, seconds=args.seconds)
        floor = run_load("bare Starlette, same template", floor_url, seconds=args.seconds)
        print("  " + page.line())
        print("  " + floor.line())
        share = page.rps / floor.rps if floor.rps else 0
        print(
            f"  lesson page / floor = {share:.0%}   (goal: >= 60 % -> "
            f"{'met' if share >= 0.6 else 'MISSED'})   [load {load_average()}]"
        )
        lesson_cpu = cpu_per_request(lesson_url, processes[0].pid)
        floor_cpu = cpu_per_request(floor_url, processes[-1].pid)
        print(
            f"  server CPU per request: lesson page {lesson_cpu:.2f} ms, floor {floor_cpu:.2f} ms"
            f" -> lesson page / floor in CPU time = {floor_cpu / lesson_cpu:.0%}   (goal: >= 60 %"
            f" -> {'met' if floor_cpu / lesson_cpu >= 0.6 else 'MISSED'}; other work on the"
            " machine changes this figure far less than the throughput)"
        )
        print("\nLesson page on the wire (the response body as sent)")
        for encoding in ("identity", "gzip", "br"):
            with (
                httpx.Client(timeout=10) as client,
                client.stream("GET", lesson_url, headers={"Accept-Encoding": encoding}) as sent,
            ):
                raw = b"".join(sent.iter_raw())
                used = sent.headers.get("content-encoding", "identity")
            goal = (
                ""
                if encoding == "identity"
                else (f"   (goal: <= 15 KB -> {'met' if len(raw) <= 15 * 1024 else 'MISSED'})")
            )
            print(f"  Accept-Encoding: {encoding:8} {len(raw) / 1024:6.1f} KB ({used}){goal}")
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=10)


if __name__ == "__main__":
    main()
