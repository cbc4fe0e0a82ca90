"""Coaching packages granted from the LMS course roster (LTI Advantage issue §4, NRPS).

Admins see every member of the LMS course (every page of the roster, ``lti.service``)
with their coaching package in this course, and grant one package to many of them at
once; tutors see the same list without the grant form (``coaching.routes.roster``).

* ``roster_overview`` makes each member a known platform user (``record_members``, so
  someone who never launched can be granted a package) and reads everyone's coaching
  status with a fixed number of queries: memberships, the course's grants with their
  packages, submission counts. Nothing is asked per member.
* ``grant_from_roster`` grants in one transaction through the grant service
  (``coaching_grants.record_grants``: a grant and an audit entry per person, the admin as
  actor, source ``roster``). The whole request is refused, with nothing written, when the
  package may not be granted or a selected id is not in this course's roster. Someone
  who already holds the package (an open grant, by user or still by email) is counted
  as such and not granted twice.

A double submit grants nothing the second time: the first request's grants are "already
held". Two requests at the same moment are serialised per course by the grant service's
``coaching_grants.lock_course_grants`` (the lock every way of granting takes), taken
before anything is read.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from coaching.common import (
    Actor,
    CoachingRefused,
    Problem,
    date_field,
    grant_open,
    today,
)
from coaching.entitlements import current_grant, normalise_email
from coaching.grants.changes import check_package_grant, lock_course_grants, record_grants
from coaching.grants.grantees import Grantee
from coaching.models import CoachingGrant, CoachingPackage
from coaching.packages import get_package
from kurswerk.core import i18n
from kurswerk.core.auth import Role
from kurswerk.core.errors import NotFound
from kurswerk.core.extensions import SUBMISSION_COUNTER, extensions
from kurswerk.core.i18n import N_
from lti import service as lti_service
from lti.models import LmsContext

MAX_SELECTED = 50_000  # lti.nrps reads at most this many members
SOURCE = "roster"


class Show:
    """Which members the page lists (``?show=``)."""

    ALL = "all"
    LEARNERS = "learners"
    WITHOUT_PACKAGE = "without"  # learners without a package today

    CHOICES = (ALL, LEARNERS, WITHOUT_PACKAGE)


@dataclass(frozen=True, slots=True)
class MemberCoaching:
    """A member's coaching package in this course today (as the learner sees it)."""

    package_name: str
    valid_until: date | None  # the earlier of the grant's and the package's end
    feedback_quota: int | None  # None: unlimited
    used: int
    remaining: int | None  # None: unlimited


@dataclass(frozen=True, slots=True)
class RosterEntry:
    """One member of the LMS course, with what Kurswerk knows of them."""

    user_id: int  # lti_user.id: what the grant form sends
    sub: str
    name: str
    email: str
    lms_roles: tuple[str, ...]  # short names ("Learner", "Instructor")
    role: Role | None  # the Kurswerk role the LMS roles map to
    lms_status: str  # "Active", "Inactive"
    launched: bool  # has opened Kurswerk in this course
    coaching: MemberCoaching | None
    held_package_ids: frozenset[int]  # packages with an open grant (not revoked, not ended)

    def lms_role_names(self, locale: str) -> list[str]:
        """The LMS roles in words, in ``locale`` (a role we have no name for as sent)."""
        names = lms_role_names(locale)
        return [names.get(role, role) for role in self.lms_roles]

    @property
    def learner(self) -> bool:
        return self.role is Role.LEARNER

    @property
    def active(self) -> bool:
        return self.lms_status.casefold() == "active"

    @property
    def suggested(self) -> bool:
        """Preselected in the grant form: an active learner without a package today."""
        return self.learner and self.active and self.coaching is None

    def shown(self, show: str) -> bool:
        if show == Show.LEARNERS:
            return self.learner
        if show == Show.WITHOUT_PACKAGE:
            return self.learner and self.coaching is None
        return True


@dataclass(frozen=True, slots=True)
class RosterOverview:
    title: str
    entries: list[RosterEntry]  # by name

    def by_user_id(self) -> dict[int, RosterEntry]:
        return {entry.user_id: entry for entry in self.entries}

    def shown(self, show: str) -> list[RosterEntry]:
        return [entry for entry in self.entries if entry.shown(show)]


@functools.cache
def lms_role_names(locale: str) -> dict[str, str]:
    """The LIS roles an LMS names (their short names), as people read them in ``locale``."""
    names = {
        # context roles
        "Learner": i18n.pgettext(locale, "LMS role", "Lernende"),
        "Instructor": i18n.pgettext(locale, "LMS role", "Lehrende"),
        "TeachingAssistant": i18n.pgettext(locale, "LMS role", "Lehrassistenz"),
        "ContentDeveloper": i18n.pgettext(locale, "LMS role", "Inhaltsentwicklung"),
        "Mentor": i18n.pgettext(locale, "LMS role", "Mentor:in"),
        "Administrator": i18n.pgettext(locale, "LMS role", "Administration"),
        "Manager": i18n.pgettext(locale, "LMS role", "Manager:in"),
        "Member": i18n.pgettext(locale, "LMS role", "Mitglied"),
        "Officer": i18n.pgettext(locale, "LMS role", "Funktionsträger:in"),
        # institution roles
        "Student": i18n.pgettext(locale, "LMS role", "Studierende"),
        "Faculty": i18n.pgettext(locale, "LMS role", "Lehrkörper"),
        "Staff": i18n.pgettext(locale, "LMS role", "Personal"),
        "Guest": i18n.pgettext(locale, "LMS role", "Gast"),
        "Observer": i18n.pgettext(locale, "LMS role", "Beobachter:in"),
        "Alumni": i18n.pgettext(locale, "LMS role", "Ehemalige"),
        "ProspectiveStudent": i18n.pgettext(locale, "LMS role", "Studieninteressierte"),
        "Other": i18n.pgettext(locale, "LMS role", "Andere"),
    }
    return names


# --- Reading -------------------------------------------------------------------------


def _short_role(role: str) -> str:
    return role.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _grants_of_course(
    session: Session, course_id: int
) -> list[tuple[CoachingGrant, CoachingPackage]]:
    rows = session.exec(
        select(CoachingGrant, CoachingPackage)
        .join(CoachingPackage, col(CoachingPackage.id) == col(CoachingGrant.package_id))
        .where(CoachingGrant.context_id == course_id)
        .order_by(col(CoachingGrant.id))
    ).all()
    return [(grant, package) for grant, package in rows]


def _submissions_by_user(session: Session, course_id: int) -> dict[int, int]:
    return extensions.get(SUBMISSION_COUNTER)(session, course_id, None)


def _coaching(
    pairs: Iterable[tuple[CoachingGrant, CoachingPackage]], used: int, on: date
) -> MemberCoaching | None:
    current = current_grant(pairs, on)
    if current is None:
        return None
    grant, package = current
    ends = [d for d in (grant.valid_until, package.valid_until) if d is not None]
    quota = package.feedback_quota
    return MemberCoaching(
        package_name=package.name,
        valid_until=min(ends) if ends else None,
        feedback_quota=quota,
        used=used,
        remaining=None if quota is None else max(0, quota - used),
    )


def roster_overview(
    session: Session, course: LmsContext, roster: lti_service.Roster, on: date | None = None
) -> RosterOverview:
    """Every roster member with their coaching status; records the members as platform
    users (flushes, never commits). A fixed number of queries whatever the roster's size
    (plus one upsert and one lookup per 500 members)."""
    assert course.id is not None
    on = on or today()
    ids = lti_service.record_members(session, context_id=course.id, members=roster.members)
    launched = lti_service.launched_user_ids(session, course.id)
    used = _submissions_by_user(session, course.id)
    by_user: dict[int, list[tuple[CoachingGrant, CoachingPackage]]] = defaultdict(list)
    by_email: dict[str, list[tuple[CoachingGrant, CoachingPackage]]] = defaultdict(list)
    for grant, package in _grants_of_course(session, course.id):
        if grant.user_id is not None:
            by_user[grant.user_id].append((grant, package))
        elif grant.email:  # waiting for this address's first launch
            by_email[grant.email.lower()].append((grant, package))
    entries: dict[int, RosterEntry] = {}
    for member in roster.members:
        user_id = ids[member.user_id]
        email = normalise_email(member.email)
        pairs = by_user.get(user_id, []) + (by_email.get(email, []) if email else [])
        entries[user_id] = RosterEntry(
            user_id=user_id,
            sub=member.user_id,
            name=member.display_name or member.user_id,
            email=member.email,
            lms_roles=tuple(dict.fromkeys(_short_role(r) for r in member.roles)),
            role=member.role,
            lms_status=member.status,
            launched=user_id in launched,
            coaching=_coaching(pairs, used.get(user_id, 0), on),
            held_package_ids=frozenset(
                package.id for grant, package in pairs if grant_open(grant, on) and package.id
            ),
        )
    ordered = sorted(entries.values(), key=lambda e: (e.name.casefold(), e.sub))
    return RosterOverview(title=roster.context_title or course.title, entries=ordered)


# --- Granting ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NotInRoster(Problem):
    """Selected people who are not (or no longer) in this course's roster: a count, so
    its text has a singular and a plural."""

    @classmethod
    def of(cls, count: int) -> NotInRoster:
        return cls("members", _NOT_IN_ROSTER, {"count": count})

    def text(self, locale: str) -> str:
        count = self.params["count"]
        return i18n.ngettext(
            locale,
            "%(count)s der ausgewählten Personen steht nicht (mehr) in der "
            "Teilnehmendenliste dieses Kurses. Es wurde nichts vergeben; bitte prüfen Sie "
            "die Auswahl.",
            "%(count)s der ausgewählten Personen stehen nicht (mehr) in der "
            "Teilnehmendenliste dieses Kurses. Es wurde nichts vergeben; bitte prüfen Sie "
            "die Auswahl.",
            count,
            count=count,
        )


_NOT_IN_ROSTER = (
    "%(count)s der ausgewählten Personen stehen nicht (mehr) in der Teilnehmendenliste "
    "dieses Kurses. Es wurde nichts vergeben; bitte prüfen Sie die Auswahl."
)
"""``NotInRoster``'s message (its plural form), as logs and tests name it."""


@dataclass(frozen=True, slots=True)
class RosterGrantRequest:
    package: CoachingPackage
    user_ids: tuple[int, ...]  # as selected, each once
    valid_until: date | None


@dataclass(frozen=True, slots=True)
class RosterGrantResult:
    granted: int
    already_held: int  # selected, but already holding the package: skipped


def _selected_ids(problems: list[Problem], values: Sequence[str]) -> tuple[int, ...]:
    picked = list(dict.fromkeys(value.strip() for value in values if value.strip()))
    if not picked:
        problems.append(Problem("members", N_("Bitte kreuzen Sie mindestens eine Person an.")))
        return ()
    if len(picked) > MAX_SELECTED:
        problems.append(
            Problem(
                "members",
                N_("Höchstens %(max)s Personen lassen sich auf einmal wählen."),
                {"max": MAX_SELECTED},
            )
        )
        return ()
    bad = [value for value in picked if not value.isdigit() or len(value) > 12]
    if bad:
        problems.append(NotInRoster.of(len(bad)))
        return ()
    return tuple(int(value) for value in picked)


def parse_roster_grant(
    session: Session,
    course: LmsContext,
    *,
    package: str,
    members: Sequence[str],
    valid_until: str,
    locale: str,
    on: date | None = None,
) -> RosterGrantRequest:
    """Read the grant form: ``package`` (an id of this platform's packages), ``member``
    (user ids, repeated), optional ``valid_until``. Raises with every problem found;
    the roster is not needed for these checks (nothing is fetched when they fail)."""
    on = on or today()
    problems: list[Problem] = []
    chosen: CoachingPackage | None = None
    raw = package.strip()
    if not raw:
        problems.append(Problem("package", N_("Bitte wählen Sie ein Paket.")))
    elif not raw.isdigit() or len(raw) > 12:
        problems.append(Problem("package", N_("Dieses Paket gibt es nicht.")))
    else:
        try:
            chosen = get_package(session, platform_id=course.platform_id, package_id=int(raw))
        except NotFound:
            problems.append(Problem("package", N_("Dieses Paket gibt es nicht.")))
    user_ids = _selected_ids(problems, members)
    until = date_field(problems, "valid_until", valid_until, locale=locale)
    if chosen is not None:
        problems += check_package_grant(
            course=course, package=chosen, valid_from=None, valid_until=until, on=on
        )
    if problems:
        raise CoachingRefused(problems)
    assert chosen is not None
    return RosterGrantRequest(package=chosen, user_ids=user_ids, valid_until=until)


def grant_from_roster(
    session: Session,
    actor: Actor,
    course: LmsContext,
    roster: lti_service.Roster,
    wanted: RosterGrantRequest,
    on: date | None = None,
) -> RosterGrantResult:
    """Grant ``wanted.package`` to every selected roster member who does not hold it yet,
    in the caller's transaction (flushes, never commits). Refuses all of it when a
    selected id is not a member of this course's roster, or the package may not be
    granted here."""
    assert course.id is not None
    on = on or today()
    problems = check_package_grant(
        course=course, package=wanted.package, valid_from=None, valid_until=wanted.valid_until,
        on=on,
    )  # fmt: skip
    if problems:  # parse_roster_grant checked it; a request built otherwise is checked here
        raise CoachingRefused(problems)
    lock_course_grants(session, course.id)
    members = roster_overview(session, course, roster, on).by_user_id()
    outsiders = [user_id for user_id in wanted.user_ids if user_id not in members]
    if outsiders:
        raise CoachingRefused([NotInRoster.of(len(outsiders))])
    package_id = wanted.package.id
    selected = [members[user_id] for user_id in wanted.user_ids]
    to_grant = [entry for entry in selected if package_id not in entry.held_package_ids]
    record_grants(
        session,
        actor,
        course=course,
        package=wanted.package,
        grantees=[
            Grantee(user_id=entry.user_id, email=None, name=entry.name, sub=entry.sub)
            for entry in to_grant
        ],
        valid_from=None,
        valid_until=wanted.valid_until,
        source=SOURCE,
    )
    return RosterGrantResult(granted=len(to_grant), already_held=len(selected) - len(to_grant))
