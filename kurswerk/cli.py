"""``kurswerk``: the command line of DESIGN.md §3 (demo, serve, migrate, worker, platform,
keys, content)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from kurswerk import migrations
from kurswerk.db import make_engine, new_session
from kurswerk.settings import get_settings


def _cmd_migrate(_args: argparse.Namespace) -> int:
    settings = get_settings()
    migrations.upgrade(settings.database_url)
    print(f"Migrations applied to {settings.database_url.split('@')[-1]}")
    return 0


def _cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

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
    )
    return 0


def _cmd_demo(args: argparse.Namespace) -> int:
    from kurswerk.devplatform import demo

    return demo.run(port=args.port, simulator_port=args.simulator_port)


def _cmd_worker(args: argparse.Namespace) -> int:
    import logging
    import signal
    import threading

    from kurswerk import outbox_worker, worker_wiring

    settings = get_settings()
    logging.basicConfig(level=settings.log_level)
    worker_wiring.register_jobs(settings)
    stop = threading.Event()
    if not args.once:
        # SIGTERM (deployments) and Ctrl-C: finish the batch in hand, then exit.
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stop.set())
    engine = make_engine(settings.database_url)
    handlers = worker_wiring.handlers(settings, engine)
    try:
        report = outbox_worker.run_worker(
            settings,
            stop_event=stop,
            poll_seconds=args.poll,
            once=args.once,
            batch=args.batch,
            engine=engine,
            handlers=handlers,
        )
    finally:
        engine.dispose()
    print(f"Outbox: {report.sent} sent, {report.retrying} to retry later, {report.failed} failed")
    return 0


def _cmd_platform_add(args: argparse.Namespace) -> int:
    from lti import service

    engine = make_engine(get_settings().database_url)
    with new_session(engine) as session:
        try:
            platform = service.add_platform(
                session,
                issuer=args.issuer,
                client_id=args.client_id,
                auth_login_url=args.auth_login_url,
                auth_token_url=args.auth_token_url,
                keyset_url=args.keyset_url,
                deployment_ids=args.deployment_id,
                name=args.name or "",
            )
        except ValueError as exc:  # lti.service.PlatformConfigError: a value that cannot work
            print(f"Platform not registered: {exc}", file=sys.stderr)
            return 2
        session.commit()
        print(f"Platform {platform.id}: {platform.issuer} (client {platform.client_id})")
    return 0


def _cmd_platform_list(_args: argparse.Namespace) -> int:
    from lti import service

    engine = make_engine(get_settings().database_url)
    with new_session(engine) as session:
        rows = service.list_platforms(session)
        if not rows:
            print("No platforms registered. Add one with `kurswerk platform add ...`.")
        for platform, deployment_ids in rows:
            print(
                f"{platform.id}\t{platform.issuer}\tclient={platform.client_id}\t"
                f"deployments={','.join(deployment_ids) or '-'}\t{platform.name}"
            )
    return 0


def _cmd_keys_rotate(_args: argparse.Namespace) -> int:
    from datetime import timedelta

    from lti import service

    settings = get_settings()
    overlap = timedelta(hours=settings.tool_key_overlap_hours)
    engine = make_engine(settings.database_url)
    with new_session(engine) as session:
        rotation = service.rotate_tool_key(session, overlap=overlap)
        session.commit()
    engine.dispose()
    print(f"New key: {rotation.new_kid}")
    print(f"Published at once; used for signing from {rotation.signs_from:%H:%M:%S} UTC.")
    if rotation.retired_kid and rotation.published_until:
        print(
            f"Previous key {rotation.retired_kid} stays in /lti/jwks until "
            f"{rotation.published_until:%Y-%m-%d %H:%M} UTC (KURSWERK_TOOL_KEY_OVERLAP_HOURS)."
        )
    for kid in rotation.dropped_kids:
        print(f"Dropped key {kid} (its overlap had ended).")
    print("Running servers and workers publish the new key within a minute.")
    return 0


def _cmd_keys_list(_args: argparse.Namespace) -> int:
    from datetime import UTC, datetime, timedelta

    from lti import service

    settings = get_settings()
    overlap = timedelta(hours=settings.tool_key_overlap_hours)
    engine = make_engine(settings.database_url)
    with new_session(engine) as session:
        keys = service.published_keys(session, overlap=overlap, now=datetime.now(UTC))
        if not keys:
            print("No tool key yet: the first launch or `kurswerk keys rotate` creates one.")
        for key in keys:
            state = (
                "signing" if key.retired_at is None else f"retired {key.retired_at:%Y-%m-%d %H:%M}"
            )
            print(f"{key.kid}\t{state}")
    engine.dispose()
    return 0


def _cmd_content_check(args: argparse.Namespace) -> int:
    from course import content

    problems = content.check(args.path)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"{len(problems)} problem(s) found.", file=sys.stderr)
        return 1
    print(f"Content in {args.path} is valid.")
    return 0


def _cmd_content_load(args: argparse.Namespace) -> int:
    from course import content

    problems = content.check(args.path)
    if problems:
        for problem in problems:
            print(problem, file=sys.stderr)
        print("Nothing loaded: fix the problems above first.", file=sys.stderr)
        return 1
    engine = make_engine(get_settings().database_url)
    with new_session(engine) as session:
        report = content.load(session, args.path)
        session.commit()
    print(report)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kurswerk", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    demo = commands.add_parser("demo", help="migrate, load content, start tool + LMS simulator")
    demo.add_argument("--port", type=int, default=8000, help="port of the tool (127.0.0.1)")
    demo.add_argument(
        "--simulator-port", type=int, default=8001, help="port of the LMS simulator (localhost)"
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

    platform = commands.add_parser("platform", help="LMS platform registrations")
    platform_cmds = platform.add_subparsers(dest="platform_command", required=True)
    add = platform_cmds.add_parser("add", help="register a platform (or add deployments)")
    add.add_argument("--issuer", required=True)
    add.add_argument("--client-id", required=True)
    add.add_argument("--auth-login-url", required=True)
    add.add_argument("--auth-token-url", required=True)
    add.add_argument("--keyset-url", required=True)
    add.add_argument("--deployment-id", action="append", required=True)
    add.add_argument("--name", default="")
    add.set_defaults(func=_cmd_platform_add)
    listing = platform_cmds.add_parser("list", help="list registered platforms")
    listing.set_defaults(func=_cmd_platform_list)

    keys = commands.add_parser("keys", help="the tool's signing keys (published at /lti/jwks)")
    keys_cmds = keys.add_subparsers(dest="keys_command", required=True)
    rotate = keys_cmds.add_parser(
        "rotate", help="make a new signing key; the old one stays published for the overlap"
    )
    rotate.set_defaults(func=_cmd_keys_rotate)
    keys_list = keys_cmds.add_parser("list", help="list the published keys")
    keys_list.set_defaults(func=_cmd_keys_list)

    content_cmd = commands.add_parser("content", help="course content as files")
    content_cmds = content_cmd.add_subparsers(dest="content_command", required=True)
    for name, func, helptext in (
        ("check", _cmd_content_check, "report every problem with file and line"),
        ("load", _cmd_content_load, "load or update the content (idempotent)"),
    ):
        sub = content_cmds.add_parser(name, help=helptext)
        sub.add_argument("path", nargs="?", default="content")
        sub.set_defaults(func=func)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
