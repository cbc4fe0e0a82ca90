"""Bulk grants from a CSV file: a preview with every row's problems first, then a confirm
step that writes all rows or none (coaching issue §1).

The file: UTF-8 (a BOM, as Excel writes it, is fine), separated by ``;`` or ``,`` (found
by ``csv.Sniffer``, falling back to the header line), a header row naming the columns:

* ``email`` (or ``e-mail``) - for someone who has not launched yet, or
* ``sub`` (or ``user``) - the LMS user id of someone who has launched in the course;
  exactly one of the two per row;
* ``package`` (or ``paket``) - the package's name, regardless of case;
* ``valid_until`` / ``valid_from`` (or ``gueltig_bis`` / ``gueltig_ab``), optional:
  ``2026-12-31`` or ``31.12.2026``.

A row naming a person who already holds that package (not revoked, not ended) extends
that grant to the new end date instead of granting it twice; a row that would change
nothing is shown as such and skipped.

Between preview and confirm the file travels in a signed form field
(:class:`ImportDraft`): the confirm step accepts only what this server previewed for this
session, within an hour, and validates every row *again* against the database as it is
then, under the course's grant lock (``coaching_grants.lock_course_grants``, taken before
it reads): of two confirms of the same file at the same moment (a double click, two
admins) the second waits for the first and then finds every row unchanged. The preview
itself writes nothing.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlmodel import Session

from kurswerk.auth import Principal
from lti.models import LmsContext
from uploads.coaching import (
    Actor,
    CoachingRefused,
    Problem,
    clean_text,
    parse_date,
    refuse,
    today,
)
from uploads.coaching_grants import (
    Grantee,
    check_new_grant,
    extend_grant,
    grant_package,
    grantee_by_email,
    grantee_by_sub,
    lock_course_grants,
    open_grants_of,
)
from uploads.coaching_packages import find_package_by_name
from uploads.models import CoachingGrant, CoachingPackage

MAX_CSV_BYTES = 256 * 1024
MAX_CSV_ROWS = 1000
MAX_CELL = 400
DRAFT_MAX_AGE_SECONDS = 3600

# Accepted header names (lower-cased, trimmed, "-"/" " read as "_") -> our column.
COLUMNS: dict[str, str] = {
    "email": "email",
    "e_mail": "email",
    "mail": "email",
    "sub": "sub",
    "user": "sub",
    "package": "package",
    "paket": "package",
    "valid_until": "valid_until",
    "gueltig_bis": "valid_until",
    "gültig_bis": "valid_until",
    "until": "valid_until",
    "valid_from": "valid_from",
    "gueltig_ab": "valid_from",
    "gültig_ab": "valid_from",
    "from": "valid_from",
}


class RowAction:
    GRANT = "grant"
    EXTEND = "extend"
    UNCHANGED = "unchanged"


@dataclass
class ImportRow:
    """One data row as read, what it would do, and what is wrong with it."""

    line: int
    email: str = ""
    sub: str = ""
    package_name: str = ""
    valid_from_text: str = ""
    valid_until_text: str = ""
    problems: list[Problem] = field(default_factory=list)
    action: str | None = None
    person: str = ""
    # resolved while planning
    package: CoachingPackage | None = None
    grantee: Grantee | None = None
    valid_from: date | None = None
    valid_until: date | None = None
    existing: CoachingGrant | None = None


@dataclass
class ImportPlan:
    rows: list[ImportRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)  # about the file as a whole

    @property
    def rows_with_problems(self) -> list[ImportRow]:
        return [row for row in self.rows if row.problems]

    @property
    def ok(self) -> bool:
        return not self.problems and bool(self.rows) and not self.rows_with_problems

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if not row.problems and row.action == action)

    @property
    def changes(self) -> int:
        return self.count(RowAction.GRANT) + self.count(RowAction.EXTEND)


@dataclass(frozen=True, slots=True)
class ImportResult:
    granted: int
    extended: int
    unchanged: int


# --- Reading the file ----------------------------------------------------------------


def decode_csv(data: bytes) -> str:
    """The file's text, or a refusal: too large, not UTF-8, binary."""
    if len(data) > MAX_CSV_BYTES:
        raise refuse("file", "coaching.import.too_large", status=413, max_kb=MAX_CSV_BYTES // 1024)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise refuse("file", "coaching.import.not_utf8") from None
    if "\x00" in text:
        raise refuse("file", "coaching.import.not_utf8")
    return text


def _dialect(text: str) -> type[csv.Dialect] | csv.Dialect:
    sample = text[:8192]
    try:
        return csv.Sniffer().sniff(sample, delimiters=";,\t")
    except csv.Error:
        header = sample.splitlines()[0] if sample.splitlines() else ""
        counts = {d: header.count(d) for d in ";,\t"}
        delimiter = max(counts, key=lambda d: counts[d])

        class Fallback(csv.excel):
            pass

        Fallback.delimiter = delimiter
        return Fallback


def _column_key(name: str) -> str:
    name = unicodedata.normalize("NFC", name).strip().strip('"').lower()
    return name.replace("-", "_").replace(" ", "_")


def read_rows(text: str) -> ImportPlan:
    """Parse the file into rows (not validated against the database yet)."""
    plan = ImportPlan()
    if not text.strip():
        plan.problems.append(Problem("file", "coaching.import.empty"))
        return plan
    reader = csv.reader(io.StringIO(text, newline=""), _dialect(text))
    try:
        header = next(reader)
    except csv.Error:
        plan.problems.append(Problem("file", "coaching.import.unreadable"))
        return plan
    columns = [COLUMNS.get(_column_key(name)) for name in header]
    unknown = [clean_text(n)[:40] for n, c in zip(header, columns, strict=True) if c is None]
    repeated = {c for c in columns if c is not None and columns.count(c) > 1}
    if unknown:
        plan.problems.append(
            Problem("file", "coaching.import.unknown_columns", {"columns": ", ".join(unknown)})
        )
    if repeated:
        plan.problems.append(
            Problem("file", "coaching.import.repeated_columns", {"columns": ", ".join(repeated)})
        )
    if "package" not in columns or not ({"email", "sub"} & set(columns)):
        plan.problems.append(Problem("file", "coaching.import.columns_missing"))
    if plan.problems:
        return plan
    try:
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue  # blank line
            if len(plan.rows) >= MAX_CSV_ROWS:
                plan.problems.append(
                    Problem("file", "coaching.import.too_many_rows", {"max_rows": MAX_CSV_ROWS})
                )
                break
            plan.rows.append(_row(reader.line_num, columns, cells))
    except csv.Error:
        plan.problems.append(
            Problem("file", "coaching.import.unreadable_at", {"line": reader.line_num})
        )
    if not plan.rows and not plan.problems:
        plan.problems.append(Problem("file", "coaching.import.empty"))
    return plan


def _row(line: int, columns: list[str | None], cells: list[str]) -> ImportRow:
    row = ImportRow(line=line)
    if len(cells) > len(columns) and any(c.strip() for c in cells[len(columns) :]):
        row.problems.append(Problem("", "coaching.import.extra_cells"))
    values: dict[str, str] = {}
    for column, cell in zip(columns, cells, strict=False):
        assert column is not None
        value = clean_text(cell)
        if len(value) > MAX_CELL:
            row.problems.append(Problem(column, "coaching.import.cell_too_long"))
            value = value[:MAX_CELL] + "…"
        values[column] = value
    row.email = values.get("email", "")
    row.sub = values.get("sub", "")
    row.package_name = values.get("package", "")
    row.valid_from_text = values.get("valid_from", "")
    row.valid_until_text = values.get("valid_until", "")
    return row


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
            row.problems.append(Problem("", "coaching.import.duplicate", {"line": first}))
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
        problems.append(Problem("email", "coaching.error.member_or_email"))
    elif not row.email and not row.sub:
        problems.append(Problem("email", "coaching.import.person_missing"))
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
        problems.append(Problem("package", "coaching.error.package_missing"))
    else:
        key = row.package_name.casefold()
        if key not in packages:
            packages[key] = find_package_by_name(
                session, platform_id=course.platform_id, name=row.package_name
            )
        row.package = packages[key]
        if row.package is None:
            problems.append(
                Problem("package", "coaching.import.package_unknown", {"name": row.package_name})
            )
    # the dates
    for column in ("valid_from", "valid_until"):
        try:
            setattr(row, column, parse_date(getattr(row, f"{column}_text")))
        except ValueError:
            problems.append(Problem(column, "coaching.error.bad_date"))
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
        row.problems.append(Problem("valid_from", "coaching.import.from_differs"))
    if row.valid_until is not None and row.valid_until < on:
        row.problems.append(Problem("valid_until", "coaching.error.until_in_past"))
    if (
        row.valid_until is not None
        and grant.valid_from is not None
        and row.valid_until < grant.valid_from
    ):
        row.problems.append(Problem("valid_until", "coaching.error.until_before_from"))
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
        raise refuse("file", "coaching.import.not_ready", status=409)
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


# --- Keeping the file between preview and confirm ------------------------------------


class ImportDraft:
    """The previewed file in a signed, expiring form field, bound to one session and
    course: a client can hand it back but not change it, nor use it in another session.
    (itsdangerous checks the signature before it decompresses anything.)"""

    SALT = "kurswerk.coaching-import.v1"

    def __init__(self, secret: str, max_age: int = DRAFT_MAX_AGE_SECONDS) -> None:
        self._serializer = URLSafeTimedSerializer(secret, salt=self.SALT)
        self.max_age = max_age

    @staticmethod
    def _owner(principal: Principal) -> list[Any]:
        return [principal.platform_id, principal.context_id, principal.user_id, principal.sid]

    def seal(self, principal: Principal, text: str, filename: str) -> str:
        return self._serializer.dumps(
            {"owner": self._owner(principal), "csv": text, "name": filename[:120]}
        )

    def open(self, principal: Principal, token: str) -> tuple[str, str]:
        """The file's text and name; refuses a forged, altered, expired or foreign token."""
        try:
            data = self._serializer.loads(token, max_age=self.max_age)
        except SignatureExpired:
            raise refuse("draft", "coaching.import.draft_expired") from None
        except BadSignature:
            raise refuse("draft", "coaching.import.draft_invalid") from None
        if (
            not isinstance(data, dict)
            or data.get("owner") != self._owner(principal)
            or not isinstance(data.get("csv"), str)
        ):
            raise refuse("draft", "coaching.import.draft_invalid")
        return data["csv"], str(data.get("name", ""))
