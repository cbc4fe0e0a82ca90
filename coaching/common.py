"""Coaching administration, the shared pieces: who acts, how a refusal is told, the input
rules every entry point (admin pages, CSV import, CLI) applies, and what a learner sees
of their own package.

The use cases live beside it (coaching issue §1): ``coaching.packages`` (create, edit,
archive), ``coaching.grants`` (grant, revoke, extend), ``coaching.csv_import`` (CSV
preview and confirm: the file read by ``csv_file``, kept between the steps by ``draft``,
written by ``rows``) and ``coaching.audit`` (the log every change writes). None
of them commits: the request's session or the CLI owns the transaction.
"""

from __future__ import annotations

import dataclasses
import getpass
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlmodel import Session, col, select

from coaching.entitlements import coaching_status, effective_period, normalise_email
from coaching.models import CoachingGrant, CoachingPackage
from kurswerk.core import date_input, i18n
from kurswerk.core.auth import Principal
from kurswerk.core.clock import utcnow
from kurswerk.core.errors import AppError
from kurswerk.core.i18n import N_

UNTIL_BEFORE_FROM = N_("Das Enddatum liegt vor dem Beginn.")

BAD_DATE = N_("Das ist kein gültiges Datum. Bitte im Format %(format)s, zum Beispiel %(example)s.")
"""A date typed into a form that is none (``DateProblem`` names the page's format)."""
BAD_FILE_DATE = N_(
    "Das ist kein gültiges Datum. Bitte als JJJJ-MM-TT oder TT.MM.JJJJ, zum Beispiel 2026-12-31."
)
"""A date in a CSV file that is none (files are read the same in every language)."""

MAX_NAME = 200  # CoachingPackage.name
MAX_DESCRIPTION = 5000
MAX_FEEDBACK_QUOTA = 1000
MAX_OFFICE_HOURS = 100
MAX_EMAIL = 320  # CoachingGrant.email (RFC 5321 path limit)
MAX_SUB = 255  # PlatformUser.sub
MAX_ACTOR_LABEL = 200  # CoachingAuditEntry.actor_label
EARLIEST_DATE = date(2000, 1, 1)
LATEST_DATE = date(2100, 12, 31)

# Deliberately simple: one "@", something before it, a dotted domain, no white space. The
# LMS is the authority on addresses; this only catches typing and column mix-ups.
_EMAIL = re.compile(r"[^@\s]+@[^@\s.]+(\.[^@\s.]+)+")
_GERMAN_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def today() -> date:
    return utcnow().date()


# --- Who acts ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Actor:
    """Who made a change, as the audit log names them."""

    user_id: int | None
    label: str

    @classmethod
    def admin(cls, principal: Principal) -> Actor:
        label = principal.name.strip() or f"user {principal.user_id}"
        return cls(user_id=principal.user_id, label=label[:MAX_ACTOR_LABEL])

    @classmethod
    def cli(cls) -> Actor:
        """``cli:<operating-system user>`` for changes made with ``kurswerk coaching``."""
        try:
            user = getpass.getuser()
        except (KeyError, OSError):  # no passwd entry (containers), no USER variable
            user = "unknown"
        return cls(user_id=None, label=f"cli:{user}"[:MAX_ACTOR_LABEL])

    @classmethod
    def system(cls, name: str) -> Actor:
        """``system:<name>`` for changes Kurswerk makes by itself (the demo's seed)."""
        return cls(user_id=None, label=f"system:{name}"[:MAX_ACTOR_LABEL])


# --- Refusals ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the input: the form field it belongs to ("" for the whole
    request), what is wrong (a message id, translated where it is shown) and the values
    of its ``%(name)s`` placeholders."""

    field: str
    message: str
    params: dict[str, Any] = dataclasses.field(default_factory=dict)

    def text(self, locale: str) -> str:
        """The problem in words, in ``locale``."""
        return i18n.gettext(locale, self.message, **self.params)


class CoachingRefused(AppError):
    """A change that was not made, with every problem found (nothing was written).

    Pages re-render their form with the problems next to the fields; the CLI prints them.
    """

    def __init__(self, problems: Iterable[Problem], status: int = 400) -> None:
        self.problems = list(problems)
        assert self.problems, "a refusal names at least one problem"
        first = self.problems[0]
        super().__init__(
            first.message,
            status,
            params=first.params,
            reason="; ".join(f"{p.field or '-'}: {p.message}" for p in self.problems),
        )


def describe(problem: Problem, locale: str = "de") -> str:
    """A problem in words, outside a page (the command line)."""
    return problem.text(locale)


def refuse(field_name: str, message: str, status: int = 400, **params: Any) -> CoachingRefused:
    return CoachingRefused([Problem(field_name, message, params)], status)


# --- Input rules ---------------------------------------------------------------------


def clean_text(value: str) -> str:
    """Unicode NFC, no control or format characters (bidi overrides, zero-width), inner
    white space collapsed, trimmed: for names that appear in lists and logs."""
    value = unicodedata.normalize("NFC", value)
    value = "".join(ch for ch in value if unicodedata.category(ch)[0] != "C" or ch in "\t\n")
    return " ".join(value.split())


def clean_multiline(value: str) -> str:
    """Like :func:`clean_text` but keeps line breaks (descriptions are Markdown)."""
    value = unicodedata.normalize("NFC", value.replace("\r\n", "\n").replace("\r", "\n"))
    value = "".join(ch for ch in value if unicodedata.category(ch)[0] != "C" or ch in "\n\t")
    return value.strip()


def parse_date(value: str | None) -> date | None:
    """``2026-12-31`` (ISO, what date inputs send) or ``31.12.2026``; empty is None.

    Raises ``ValueError`` for anything else or for a date outside 2000-2100.
    """
    text = (value or "").strip()
    if not text:
        return None
    if _ISO_DATE.fullmatch(text):
        parsed = date.fromisoformat(text)
    elif match := _GERMAN_DATE.fullmatch(text):
        day, month, year = (int(part) for part in match.groups())
        parsed = date(year, month, day)
    else:
        raise ValueError(f"not a date: {text[:40]!r}")
    if not EARLIEST_DATE <= parsed <= LATEST_DATE:
        raise ValueError(f"date out of range: {parsed}")
    return parsed


def parse_email(value: str | None) -> str | None:
    """A plausible email address, lower-cased; None when empty. ``ValueError`` if not."""
    email = normalise_email(value)
    if email is None:
        return None
    if len(email) > MAX_EMAIL or not _EMAIL.fullmatch(email):
        raise ValueError("not an email address")
    return email


@dataclass(frozen=True, slots=True)
class DateProblem(Problem):
    """A form's date that is none: its text names the format of the reader's language."""

    def text(self, locale: str) -> str:
        example = date_input.input_example(locale)
        return i18n.gettext(
            locale, self.message, format=date_input.input_hint(locale), example=example
        )


def date_field(
    problems: list[Problem], name: str, value: str | None, *, locale: str
) -> date | None:
    """Parse a date form field typed in ``locale``'s way (or ISO 8601), adding a problem
    (and returning None) when it is bad or outside the years Kurswerk accepts."""
    text = (value or "").strip()
    if not text:
        return None
    try:
        parsed = date_input.parse_input(text, locale)
    except ValueError:
        parsed = None
    if parsed is None or not EARLIEST_DATE <= parsed <= LATEST_DATE:
        problems.append(DateProblem(name, BAD_DATE))
        return None
    return parsed


def check_period(
    problems: list[Problem],
    valid_from: date | None,
    valid_until: date | None,
    *,
    until_field: str = "valid_until",
) -> None:
    if valid_from and valid_until and valid_until < valid_from:
        problems.append(Problem(until_field, UNTIL_BEFORE_FROM))


# --- What a learner sees -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CoachingSummary:
    """A learner's coaching in one course, ready to show (``coaching_summary``)."""

    active: bool
    package_name: str = ""
    description: str = ""  # Markdown written by an admin: render with usertext
    feedback_quota: int | None = None  # None: unlimited
    feedback_used: int = 0
    feedback_remaining: int | None = None  # None: unlimited
    office_hours_per_month: int = 0
    valid_until: date | None = None  # the earlier of the grant's and the package's end

    @property
    def unlimited(self) -> bool:
        return self.active and self.feedback_quota is None


def coaching_summary(
    session: Session, *, user_id: int, context_id: int, on: date | None = None
) -> CoachingSummary:
    """What the learner's coaching package in this course includes and how much is left
    (the rule is ``coaching.entitlements.coaching_status``; this resolves email grants)."""
    status = coaching_status(session, user_id=user_id, context_id=context_id, today=on)
    if not status.active:
        return CoachingSummary(active=False)
    assert status.package is not None and status.grant is not None
    return CoachingSummary(
        active=True,
        package_name=status.package.name,
        description=status.package.description,
        feedback_quota=status.package.feedback_quota,
        feedback_used=status.submissions_used,
        feedback_remaining=status.feedback_remaining,
        office_hours_per_month=status.package.office_hours_per_month,
        valid_until=effective_period(status.grant, status.package)[1],
    )


def coaching_offers(
    session: Session, *, platform_id: int, on: date | None = None
) -> list[CoachingPackage]:
    """The packages of a platform that can be given today (not archived, within their
    validity): what a learner without a package may be told about."""
    on = on or today()
    packages = session.exec(
        select(CoachingPackage)
        .where(
            CoachingPackage.platform_id == platform_id,
            col(CoachingPackage.archived_at).is_(None),
        )
        .order_by(col(CoachingPackage.name))
    ).all()
    return [p for p in packages if package_current(p, on)]


def package_current(package: CoachingPackage, on: date) -> bool:
    """Not archived and ``on`` lies within the package's validity."""
    return (
        package.archived_at is None
        and (package.valid_from is None or package.valid_from <= on)
        and (package.valid_until is None or on <= package.valid_until)
    )


class GrantState:
    """How a grant stands on a day (shown in lists by name: ``coaching.format.GRANT_STATES``)."""

    ACTIVE = "active"
    PENDING = "pending"  # by email, the person has not launched yet
    NOT_YET = "not_yet"  # starts later
    EXPIRED = "expired"
    REVOKED = "revoked"
    PACKAGE_ENDED = "package_ended"  # the package is archived or past its validity


def grant_state(grant: CoachingGrant, package: CoachingPackage, on: date) -> str:
    if grant.revoked_at is not None:
        return GrantState.REVOKED
    if grant.valid_until is not None and grant.valid_until < on:
        return GrantState.EXPIRED
    if not package_current(package, on):
        return GrantState.PACKAGE_ENDED
    if grant.valid_from is not None and on < grant.valid_from:
        return GrantState.NOT_YET
    if grant.user_id is None:
        return GrantState.PENDING
    return GrantState.ACTIVE


def grant_open(grant: CoachingGrant, on: date) -> bool:
    """Not revoked and not past its end: a second grant of the same package would
    duplicate it."""
    return grant.revoked_at is None and (grant.valid_until is None or grant.valid_until >= on)


def iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None
