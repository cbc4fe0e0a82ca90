"""``kurswerk``: the command line of DESIGN.md §3 (demo, serve, migrate, worker, platform,
keys, content, coaching)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlmodel import Session

from kurswerk import migrations
from kurswerk.db import make_engine, new_session
from kurswerk.errors import NotFound
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


# --- kurswerk coaching ----------------------------------------------------------------
# Exit codes: 0 done (or nothing to do), 1 refused (unknown platform, course, package,
# person or grant; already granted; revoked), 2 invalid input (a bad date or email; also
# argparse's usage errors). A refusal changes nothing.

COACHING_EPILOG = """\
examples:
  kurswerk coaching grant --platform https://moodle.example.org --context 42 \\
      --email lena@example.org --package "Coaching Basis" --until 2026-12-31
  kurswerk coaching revoke --platform https://moodle.example.org --context 42 --grant 17
  kurswerk coaching list --platform https://moodle.example.org --context 42 --all --json

exit codes: 0 done, 1 refused (nothing changed), 2 invalid input"""


# Refusals that mean "the input is malformed" (exit 2) rather than "refused" (exit 1).
_INVALID_INPUT = frozenset(
    f"coaching.error.{name}"
    for name in (
        "bad_date",
        "bad_email",
        "email_missing",
        "until_before_from",
        "until_in_past",
        "platform_ambiguous",
    )
)


class _Refused(Exception):
    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.code = code


@contextmanager
def _coaching_session() -> Iterator[Session]:
    engine = make_engine(get_settings().database_url)
    try:
        with new_session(engine) as session:
            yield session
    finally:
        engine.dispose()


def _coaching_command(run: Any) -> Any:
    """Run a coaching command: commit on success, report a refusal without a traceback."""

    def command(args: argparse.Namespace) -> int:
        from uploads import service

        with _coaching_session() as session:
            try:
                message = run(session, args)
            except service.CoachingRefused as refused:
                session.rollback()
                for problem in refused.problems:
                    print(f"Refused: {service.describe(problem, 'en')}", file=sys.stderr)
                invalid = all(p.key in _INVALID_INPUT for p in refused.problems)
                return 2 if invalid else 1
            except _Refused as refused:
                session.rollback()
                print(f"Refused: {refused}", file=sys.stderr)
                return refused.code
            session.commit()
        if message:
            print(message)
        return 0

    return command


def _cli_date(value: str | None, option: str) -> Any:
    from uploads import service

    try:
        return service.parse_date(value)
    except ValueError:
        raise _Refused(f"{option} {value!r} is not a date (use 2026-12-31)", code=2) from None


def _course_and_package(session: Session, args: argparse.Namespace) -> tuple[Any, Any]:
    from uploads import service

    course = service.find_course(
        session, issuer=args.platform, client_id=args.client_id, lms_context_id=args.context
    )
    package = None
    if getattr(args, "package", None):
        package = service.find_package_by_name(
            session, platform_id=course.platform_id, name=args.package
        )
        if package is None:
            raise _Refused(f"no package named {args.package!r} on this platform")
    return course, package


def _grantee(session: Session, course: Any, args: argparse.Namespace) -> Any:
    from uploads import service

    if args.email is not None:
        return service.grantee_by_email(session, course, args.email)
    return service.grantee_by_sub(session, course, args.sub)


def _the_grant(session: Session, args: argparse.Namespace) -> Any:
    """The grant a revoke/extend names: by ``--grant ID``, or by person and package."""
    from uploads import service

    course, package = _course_and_package(session, args)
    if args.grant is not None:
        try:
            return service.get_grant(session, context_id=course.id, grant_id=args.grant)
        except NotFound:
            raise _Refused(f"no grant {args.grant} in course {args.context}") from None
    if package is None or (args.email is None and args.sub is None):
        raise _Refused("name the grant: --grant ID, or --email/--sub with --package", code=2)
    grantee = _grantee(session, course, args)
    grants = service.open_grants_of(session, course.id, grantee, package.id)
    if not grants:
        raise _Refused(f"{grantee.label} holds no open grant of {package.name!r} in this course")
    return grants[0]


def _run_grant(session: Session, args: argparse.Namespace) -> str:
    from uploads import service

    course, package = _course_and_package(session, args)
    grantee = _grantee(session, course, args)
    grant = service.grant_package(
        session,
        service.Actor.cli(),
        course=course,
        package=package,
        grantee=grantee,
        valid_from=_cli_date(args.valid_from, "--from"),
        valid_until=_cli_date(args.until, "--until"),
        source="cli",
    )
    pending = "" if grant.user_id else " (applies from their first launch with this email)"
    return (
        f"Granted {package.name!r} to {grantee.label} in course {args.context}: "
        f"grant {grant.id}{pending}"
    )


def _run_revoke(session: Session, args: argparse.Namespace) -> str:
    from uploads import service

    grant = _the_grant(session, args)
    if not service.revoke_grant(session, service.Actor.cli(), grant, source="cli"):
        return f"Grant {grant.id} was already revoked."
    return f"Revoked grant {grant.id}."


def _run_extend(session: Session, args: argparse.Namespace) -> str:
    from uploads import service

    grant = _the_grant(session, args)
    until = None if args.no_end else _cli_date(args.until, "--until")
    if not args.no_end and until is None:
        raise _Refused("give --until DATE or --no-end", code=2)
    if not service.extend_grant(session, service.Actor.cli(), grant, until, source="cli"):
        return f"Grant {grant.id} already ends then; nothing changed."
    return f"Grant {grant.id} now valid until {until or 'no end date of its own'}."


_GRANT_COLUMNS = ("id", "state", "person", "sub", "email", "package", "valid_from", "valid_until")


def _run_list(session: Session, args: argparse.Namespace) -> str:
    from uploads import service

    course, _ = _course_and_package(session, args)
    views = service.list_grants(session, context_id=course.id, include_closed=args.all)
    rows = [
        {
            "id": v.grant.id,
            "state": v.state,
            "person": v.person,
            "sub": v.person_sub,
            "email": v.person_email,
            "package": v.package.name,
            "valid_from": v.grant.valid_from.isoformat() if v.grant.valid_from else None,
            "valid_until": v.grant.valid_until.isoformat() if v.grant.valid_until else None,
        }
        for v in views
    ]
    if args.json:
        return json.dumps(rows, ensure_ascii=False, indent=2)
    lines = ["\t".join(_GRANT_COLUMNS)]
    lines += ["\t".join("" if r[c] is None else str(r[c]) for c in _GRANT_COLUMNS) for r in rows]
    return "\n".join(lines)


def _run_packages(session: Session, args: argparse.Namespace) -> str:
    from uploads import service

    platform_id = service.find_platform(session, issuer=args.platform, client_id=args.client_id)
    rows = [
        {
            "id": p.id,
            "name": p.name,
            "feedback_quota": p.feedback_quota,
            "office_hours_per_month": p.office_hours_per_month,
            "valid_from": p.valid_from.isoformat() if p.valid_from else None,
            "valid_until": p.valid_until.isoformat() if p.valid_until else None,
            "archived": p.archived_at is not None,
        }
        for p in service.list_packages(session, platform_id=platform_id)
    ]
    if args.json:
        return json.dumps(rows, ensure_ascii=False, indent=2)
    columns = list(rows[0]) if rows else ["id", "name"]
    lines = ["\t".join(columns)]
    lines += ["\t".join("" if r[c] is None else str(r[c]) for c in columns) for r in rows]
    return "\n".join(lines)


def _add_coaching_parser(commands: Any) -> None:
    coaching = commands.add_parser(
        "coaching",
        help="coaching grants for scripts (grant, revoke, extend, list, packages)",
        epilog=COACHING_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    subs = coaching.add_subparsers(dest="coaching_command", required=True)

    def where(parser: argparse.ArgumentParser, *, context: bool = True) -> None:
        parser.add_argument("--platform", required=True, metavar="ISSUER", help="the LMS issuer")
        parser.add_argument(
            "--client-id", default=None, help="needed when the issuer has several registrations"
        )
        if context:
            parser.add_argument(
                "--context", required=True, metavar="LMS_CONTEXT_ID", help="the LMS's course id"
            )

    def person(parser: argparse.ArgumentParser, *, required: bool) -> None:
        who = parser.add_mutually_exclusive_group(required=required)
        who.add_argument("--email", help="by email (also before their first launch)")
        who.add_argument("--sub", help="by LMS user id (someone who has launched)")

    grant = subs.add_parser("grant", help="give a package to a person in a course")
    where(grant)
    person(grant, required=True)
    grant.add_argument("--package", required=True, metavar="NAME")
    grant.add_argument("--from", dest="valid_from", metavar="DATE", help="first valid day")
    grant.add_argument("--until", metavar="DATE", help="last valid day (2026-12-31)")
    grant.set_defaults(func=_coaching_command(_run_grant))

    for name, run, helptext in (
        ("revoke", _run_revoke, "end a grant now (kept in the audit log)"),
        ("extend", _run_extend, "change a grant's last valid day"),
    ):
        sub = subs.add_parser(name, help=helptext)
        where(sub)
        sub.add_argument("--grant", type=int, metavar="ID", help="the grant's id (see list)")
        person(sub, required=False)
        sub.add_argument("--package", metavar="NAME")
        if name == "extend":
            end = sub.add_mutually_exclusive_group(required=True)
            end.add_argument("--until", metavar="DATE")
            end.add_argument("--no-end", action="store_true", help="no end date of its own")
        sub.set_defaults(func=_coaching_command(run))

    listing = subs.add_parser("list", help="grants of a course (tab-separated or JSON)")
    where(listing)
    listing.add_argument("--all", action="store_true", help="also revoked and expired grants")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(func=_coaching_command(_run_list))

    packages = subs.add_parser("packages", help="the platform's packages")
    where(packages, context=False)
    packages.add_argument("--json", action="store_true")
    packages.set_defaults(func=_coaching_command(_run_packages))


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

    _add_coaching_parser(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
