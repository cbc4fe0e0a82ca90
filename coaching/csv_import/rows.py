"""Bulk grants from a CSV file: a preview with every row's problems first, then a confirm
step that writes all rows or none (coaching issue §1).

The file and how it is read: ``coaching.csv_import.csv_file``. A row naming a person who
already holds that package (not revoked, not ended) extends that grant to the new end
date instead of granting it twice; a row that would change nothing is shown as such and
skipped.

Between preview and confirm the file travels in a signed form field
(``coaching.csv_import.draft.ImportDraft``): the confirm step accepts only what this
server previewed for this session, within an hour, and validates every row *again*
against the database as it is then, under the course's grant lock. The preview itself
writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from coaching.common import (
    BAD_FILE_DATE,
    UNTIL_BEFORE_FROM,
    Actor,
    CoachingRefused,
    Problem,
    parse_date,
    refuse,
    today,
)
from coaching.csv_import.csv_file import (
    COLUMNS,
    MAX_CELL,
    MAX_CSV_BYTES,
    MAX_CSV_ROWS,
    ImportPlan,
    ImportRow,
    RowAction,
    decode_csv,
    read_rows,
)
from coaching.csv_import.draft import DRAFT_MAX_AGE_SECONDS, ImportDraft
from coaching.grants.changes import (
    UNTIL_IN_PAST,
    check_new_grant,
    extend_grant,
    grant_package,
    lock_course_grants,
)
from coaching.grants.grantees import grantee_by_email, grantee_by_sub
from coaching.grants.reading import open_grants_of
from coaching.models import CoachingGrant, CoachingPackage
from coaching.packages import find_package_by_name
from kurswerk.core.i18n import N_
from lti.models import LmsContext

__all__ = [
    "COLUMNS",
    "DRAFT_MAX_AGE_SECONDS",
    "MAX_CELL",
    "MAX_CSV_BYTES",
    "MAX_CSV_ROWS",
    "ImportDraft",
    "ImportPlan",
    "ImportResult",
    "ImportRow",
    "Problem",
    "RowAction",
    "apply_import",
    "confirm_import",
    "decode_csv",
    "plan_import",
    "read_rows",
]


@dataclass(frozen=True, slots=True)
class ImportResult:
    granted: int
    extended: int
    unchanged: int


# --- Checking against the database ---------------------------------------------------


def plan_import(
    session: Session, course: LmsContext, text: str, on: date | None = None
) -> ImportPlan:
    """Read and check every row; writes nothing. ``plan.ok`` says whether it may go in."""
    on = on or today()
    plan = read_rows(text)
    if plan.problems:
        return plan
    packages: dict[str, CoachingPackage | None] = {}
    seen: dict[tuple[int, str], int] = {}  # (package id, person) -> first line
    for row in plan.rows:
        _check_row(session, course, row, packages, on)
        if row.problems or row.package is None or row.grantee is None:
            continue
        assert row.package.id is not None
        person = f"u{row.grantee.user_id}" if row.grantee.user_id else f"e{row.grantee.email}"
        first = seen.setdefault((row.package.id, person), row.line)
        if first != row.line:
            row.problems.append(
                Problem(
                    "",
                    N_("Doppelt: dieselbe Person und dasselbe Paket wie Zeile %(line)s."),
                    {"line": first},
                )
            )
            row.action = None
    return plan


def _check_row(
    session: Session,
    course: LmsContext,
    row: ImportRow,
    packages: dict[str, CoachingPackage | None],
    on: date,
) -> None:
    problems = row.problems
    # the person
    if row.email and row.sub:
        problems.append(
            Problem(
                "email",
                N_(
                    "Bitte nennen Sie die Person entweder als Kursmitglied oder per "
                    "E-Mail-Adresse, nicht beides."
                ),
            )
        )
    elif not row.email and not row.sub:
        problems.append(Problem("email", N_("Es fehlt die E-Mail-Adresse oder die LMS-Nutzer-ID.")))
    else:
        try:
            row.grantee = (
                grantee_by_email(session, course, row.email)
                if row.email
                else grantee_by_sub(session, course, row.sub)
            )
            row.person = row.grantee.label
        except CoachingRefused as refused:
            problems += refused.problems
    # the package
    if not row.package_name:
        problems.append(Problem("package", N_("Bitte wählen Sie ein Paket.")))
    else:
        key = row.package_name.casefold()
        if key not in packages:
            packages[key] = find_package_by_name(
                session, platform_id=course.platform_id, name=row.package_name
            )
        row.package = packages[key]
        if row.package is None:
            problems.append(
                Problem(
                    "package", N_("Ein Paket „%(name)s“ gibt es nicht."), {"name": row.package_name}
                )
            )
    # the dates
    for column in ("valid_from", "valid_until"):
        try:
            setattr(row, column, parse_date(getattr(row, f"{column}_text")))
        except ValueError:
            problems.append(Problem(column, BAD_FILE_DATE))
    if row.grantee is None or row.package is None or problems:
        return
    assert course.id is not None and row.package.id is not None
    existing = open_grants_of(session, course.id, row.grantee, row.package.id, on)
    if existing:
        _plan_extension(row, existing[0], on)
        return
    problems += check_new_grant(
        session,
        course=course,
        package=row.package,
        grantee=row.grantee,
        valid_from=row.valid_from,
        valid_until=row.valid_until,
        on=on,
    )
    row.action = None if problems else RowAction.GRANT


def _plan_extension(row: ImportRow, grant: CoachingGrant, on: date) -> None:
    row.existing = grant
    if row.valid_from is not None and row.valid_from != grant.valid_from:
        row.problems.append(
            Problem(
                "valid_from",
                N_(
                    "Die Person hat das Paket schon, mit einem anderen Beginn. Beim "
                    "Verlängern lassen Sie „valid_from“ leer."
                ),
            )
        )
    if row.valid_until is not None and row.valid_until < on:
        row.problems.append(Problem("valid_until", UNTIL_IN_PAST))
    if (
        row.valid_until is not None
        and grant.valid_from is not None
        and row.valid_until < grant.valid_from
    ):
        row.problems.append(Problem("valid_until", UNTIL_BEFORE_FROM))
    if row.problems:
        return
    row.action = RowAction.UNCHANGED if row.valid_until == grant.valid_until else RowAction.EXTEND


def confirm_import(
    session: Session, actor: Actor, course: LmsContext, text: str, on: date | None = None
) -> tuple[ImportPlan, ImportResult | None]:
    """The confirm step: take the course's grant lock, check every row again against the
    database as it is now, and write them all if the plan is ``ok`` (the result is None
    when it is not: nothing was written, show the plan)."""
    assert course.id is not None
    on = on or today()
    lock_course_grants(session, course.id)
    plan = plan_import(session, course, text, on)
    if not plan.ok:
        return plan, None
    return plan, apply_import(session, actor, course, plan, on)


def apply_import(
    session: Session, actor: Actor, course: LmsContext, plan: ImportPlan, on: date | None = None
) -> ImportResult:
    """Write every row of a plan that is ``ok`` (planned under the course's grant lock:
    ``confirm_import``). Raises before writing if it is not; a refusal part-way
    propagates, and the caller rolls back all."""
    on = on or today()
    if not plan.ok:
        raise refuse(
            "file", N_("Die Vorschau enthält Fehler; es wurde nichts gespeichert."), status=409
        )
    granted = extended = 0
    for row in plan.rows:
        assert row.package is not None and row.grantee is not None
        if row.action == RowAction.GRANT:
            grant_package(
                session,
                actor,
                course=course,
                package=row.package,
                grantee=row.grantee,
                valid_from=row.valid_from,
                valid_until=row.valid_until,
                on=on,
                source="csv",
            )
            granted += 1
        elif row.action == RowAction.EXTEND:
            assert row.existing is not None
            extend_grant(session, actor, row.existing, row.valid_until, on=on, source="csv")
            extended += 1
    return ImportResult(granted, extended, plan.count(RowAction.UNCHANGED))
