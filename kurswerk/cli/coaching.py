"""``kurswerk coaching grant|revoke|extend|list|packages``: coaching grants for scripts
(part of ``kurswerk.cli``), through ``coaching.service``, by the rules the admin pages
use, logged as ``cli:<user>``.

Exit codes: 0 done (or nothing to do), 1 refused (unknown platform, course, package,
person or grant; already granted; revoked), 2 invalid input (a bad date or email; also
argparse's usage errors). A refusal changes nothing. A grant takes the same course lock
as the admin pages (``grant_package``), so the same grant run twice at once is given once;
the second run is refused as already granted.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlmodel import Session

from kurswerk.core.db import make_engine, new_session
from kurswerk.core.errors import NotFound
from kurswerk.core.settings import get_settings

COACHING_EPILOG = """\
examples:
  kurswerk coaching grant --platform https://moodle.example.org --context 42 \\
      --email lena@example.org --package "Coaching Basis" --until 2026-12-31
  kurswerk coaching revoke --platform https://moodle.example.org --context 42 --grant 17
  kurswerk coaching list --platform https://moodle.example.org --context 42 --all --json

exit codes: 0 done, 1 refused (nothing changed), 2 invalid input"""


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
        from coaching import service

        with _coaching_session() as session:
            try:
                message = run(session, args)
            except service.CoachingRefused as refused:
                session.rollback()
                for problem in refused.problems:
                    print(f"Refused: {service.describe(problem, 'en')}", file=sys.stderr)
                invalid = all(p.message in service.INVALID_INPUT for p in refused.problems)
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
    from coaching import service

    try:
        return service.parse_date(value)
    except ValueError:
        raise _Refused(f"{option} {value!r} is not a date (use 2026-12-31)", code=2) from None


def _course_and_package(session: Session, args: argparse.Namespace) -> tuple[Any, Any]:
    from coaching import service

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
    from coaching import service

    return service.find_grantee(session, course, email=args.email, sub=args.sub)


def _the_grant(session: Session, args: argparse.Namespace) -> Any:
    """The grant a revoke/extend names: by ``--grant ID``, or by person and package."""
    from coaching import service

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
    from coaching import service

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
    from coaching import service

    grant = _the_grant(session, args)
    if not service.revoke_grant(session, service.Actor.cli(), grant, source="cli"):
        return f"Grant {grant.id} was already revoked."
    return f"Revoked grant {grant.id}."


def _run_extend(session: Session, args: argparse.Namespace) -> str:
    from coaching import service

    grant = _the_grant(session, args)
    until = None if args.no_end else _cli_date(args.until, "--until")
    if not args.no_end and until is None:
        raise _Refused("give --until DATE or --no-end", code=2)
    if not service.extend_grant(session, service.Actor.cli(), grant, until, source="cli"):
        return f"Grant {grant.id} already ends then; nothing changed."
    return f"Grant {grant.id} now valid until {until or 'no end date of its own'}."


_GRANT_COLUMNS = ("id", "state", "person", "sub", "email", "package", "valid_from", "valid_until")


def _run_list(session: Session, args: argparse.Namespace) -> str:
    from coaching import service

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
    from coaching import service

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


def add_parsers(commands: Any) -> None:
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
