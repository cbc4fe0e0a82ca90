"""``kurswerk demo|serve|migrate|worker``: the commands that run the tool (part of
``kurswerk.cli``)."""

from __future__ import annotations

import argparse
from typing import Any

from kurswerk.core import migrations
from kurswerk.core.db import make_engine
from kurswerk.core.settings import get_settings


def _cmd_migrate(_args: argparse.Namespace) -> int:
    settings = get_settings()
    migrations.upgrade(settings.database_url)
    print(f"Migrations applied to {settings.database_url.split('@')[-1]}")
    return 0


WORKER_STARTUP_SECONDS = 60
"""How long ``kurswerk serve`` gives a worker process to answer uvicorn's health check and,
on a reload, to finish its startup (uvicorn's default is 5 s). A worker imports the app,
builds it and starts its PDF-check workers; on a busy 2-core host that took over 8 s, and
uvicorn killed each worker before it was ready and started the next, without end."""


def _cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from kurswerk.core.log_redaction import uvicorn_log_config

    settings = get_settings()
    settings.check_safe_for_production()
    uvicorn.run(
        "kurswerk.app:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        proxy_headers=True,
        forwarded_allow_ips="*" if args.trust_proxy else None,
        log_level=settings.log_level.lower(),
        # No token in any log line; one line per request from Kurswerk's own access log
        # (kurswerk.core.access_log: no query string), so uvicorn's is off.
        log_config=uvicorn_log_config(settings.log_level),
        access_log=False,
        timeout_worker_healthcheck=WORKER_STARTUP_SECONDS,
    )
    return 0


def _cmd_demo(args: argparse.Namespace) -> int:
    from kurswerk.devplatform import demo

    return demo.run(port=args.port, simulator_port=args.simulator_port, launch_style=args.lms_style)


def _cmd_worker(args: argparse.Namespace) -> int:
    import logging
    import signal
    import threading

    from kurswerk.core.log_redaction import redact_root_handlers
    from kurswerk.core.outbox import worker as outbox_worker

    settings = get_settings()
    logging.basicConfig(level=settings.log_level)
    redact_root_handlers()
    stop = threading.Event()
    if not args.once:
        # SIGTERM (deployments) and Ctrl-C: finish the batch in hand, then exit.
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stop.set())
    engine = make_engine(settings.database_url)
    try:
        report = outbox_worker.run_worker(
            settings,
            stop_event=stop,
            poll_seconds=args.poll,
            once=args.once,
            batch=args.batch,
            engine=engine,
        )
    finally:
        engine.dispose()
    print(f"Outbox: {report.sent} sent, {report.retrying} to retry later, {report.failed} failed")
    return 0


def add_parsers(commands: Any) -> None:
    from kurswerk.devplatform.config import LAUNCH_STYLES

    demo = commands.add_parser("demo", help="migrate, load content, start tool + LMS simulator")
    demo.add_argument("--port", type=int, default=8000, help="port of the tool (127.0.0.1)")
    demo.add_argument(
        "--simulator-port", type=int, default=8001, help="port of the LMS simulator (localhost)"
    )
    demo.add_argument(
        "--lms-style",
        choices=LAUNCH_STYLES,
        default="plain",
        help="how the simulator launches: moodle (single-use hint, own launch URL), "
        "canvas (platform storage by postMessage)",
    )
    demo.set_defaults(func=_cmd_demo)

    serve = commands.add_parser("serve", help="run the production server")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=2)
    serve.add_argument(
        "--trust-proxy", action="store_true", help="trust X-Forwarded-* headers from any proxy"
    )
    serve.set_defaults(func=_cmd_serve)

    migrate = commands.add_parser("migrate", help="apply database migrations")
    migrate.set_defaults(func=_cmd_migrate)

    worker = commands.add_parser("worker", help="deliver the outbox (emails, LMS calls)")
    worker.add_argument(
        "--once", action="store_true", help="deliver what is due now, then exit (scripts, cron)"
    )
    worker.add_argument("--poll", type=float, default=1.0, help="seconds between polls")
    worker.add_argument("--batch", type=int, default=20, help="rows claimed at a time")
    worker.set_defaults(func=_cmd_worker)
