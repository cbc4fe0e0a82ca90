"""What an LMS course lets Kurswerk do with its services, and why not where it does not.

A platform may grant fewer scopes than Kurswerk asked for (Moodle admins can untick
them; dynamic registration records what was granted, ``Platform.granted_scopes``), and an
LMS course's launches may carry no AGS or NRPS claim at all (``ContextServices``). Kurswerk
then goes on without the service, and says so: this module is the one rule for both the
grade path (``lti.ags.enqueue_score`` writes a ``skipped`` row with the reason) and the
note admins and tutors see on their pages.

A registration without recorded scopes (``kurswerk platform add``) is taken at its
launches' word: only what the course's claims offer counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sqlmodel import Session, select

from kurswerk.core.i18n import N_
from lti.models import ContextServices, LmsContext, Platform
from lti.nrps import SCOPE_MEMBERSHIPS

SCOPE_LINEITEM = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem"
SCOPE_RESULT_READONLY = "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly"
SCOPE_SCORE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
AGS_SCOPES = (SCOPE_LINEITEM, SCOPE_RESULT_READONLY, SCOPE_SCORE)


class Missing(StrEnum):
    """Why a service is unavailable; ``message`` says so to admins and tutors."""

    SCORE_NOT_GRANTED = "score_not_granted"
    NO_GRADE_SERVICE = "no_grade_service"
    SCORE_NOT_OFFERED = "score_not_offered"
    COLUMNS_NOT_ALLOWED = "columns_not_allowed"
    ROSTER_NOT_GRANTED = "roster_not_granted"
    NO_ROSTER_SERVICE = "no_roster_service"

    @property
    def message(self) -> str:
        """What admins and tutors read (a message id)."""
        return MISSING_MESSAGES[self]


MISSING_MESSAGES = {
    Missing.SCORE_NOT_GRANTED: N_(
        "Bewertungen werden nicht an die Bewertungsübersicht des LMS gesendet: Die "
        "Plattform hat Kurswerk das Recht dazu (AGS-Scope „score“) nicht "
        "erteilt. Feedback erreicht die Teilnehmenden weiterhin in Kurswerk und "
        "per E-Mail. Erteilen Sie den Scope in der Tool-Konfiguration des LMS."
    ),
    Missing.NO_GRADE_SERVICE: N_(
        "Bewertungen werden nicht an die Bewertungsübersicht des LMS gesendet: Die "
        "Starts aus diesem LMS-Kurs bieten keinen Bewertungsdienst an (kein "
        "AGS). Feedback erreicht die Teilnehmenden weiterhin in Kurswerk und per "
        "E-Mail. Aktivieren Sie im LMS „Bewertungen und Noten“ für das Tool."
    ),
    Missing.SCORE_NOT_OFFERED: N_(
        "Bewertungen werden nicht an die Bewertungsübersicht des LMS gesendet: Dieser "
        "LMS-Kurs erlaubt Kurswerk keine Bewertungen (AGS-Scope „score“ fehlt in "
        "den Starts). Feedback erreicht die Teilnehmenden weiterhin in Kurswerk "
        "und per E-Mail."
    ),
    Missing.COLUMNS_NOT_ALLOWED: N_(
        "Kurswerk darf in der Bewertungsübersicht keine Spalten anlegen: Bewertungen "
        "erscheinen nur bei Übungen, die als bewertete Aktivität oder per "
        "„Inhalt hinzufügen“ im Kurs stehen. Erteilen Sie den AGS-Scope "
        "„lineitem“, damit jede Übung ihre Spalte erhält."
    ),
    Missing.ROSTER_NOT_GRANTED: N_(
        "Die Teilnehmendenliste des LMS ist nicht verfügbar: Die Plattform hat "
        "Kurswerk das Recht dazu (NRPS) nicht erteilt. Coachingpakete lassen "
        "sich weiter einzeln, per E-Mail-Adresse oder per CSV vergeben."
    ),
    Missing.NO_ROSTER_SERVICE: N_(
        "Die Teilnehmendenliste des LMS ist nicht verfügbar: Die Starts aus diesem "
        "LMS-Kurs bieten keinen Namens- und Rollendienst (NRPS) an. "
        "Coachingpakete lassen sich weiter einzeln, per E-Mail-Adresse oder per "
        "CSV vergeben."
    ),
}


@dataclass(frozen=True, slots=True)
class CourseServices:
    """The AGS scopes usable in one LMS course, and each service's state."""

    ags_scopes: frozenset[str]  # asked for, granted (where known) and offered by the launches
    lineitems_url: str | None
    grades: Missing | None  # None: scores reach the gradebook
    new_columns: Missing | None  # None: Kurswerk may create a column where none exists
    roster: Missing | None  # None: the roster can be read

    @property
    def notes(self) -> list[Missing]:
        """What an admin or tutor should know, most important first (the columns note
        only matters while grades flow at all)."""
        found = [self.grades or self.new_columns, self.roster]
        return [item for item in found if item is not None]


def _scopes(value: str | None) -> frozenset[str] | None:
    return None if value is None else frozenset(value.split())


def services_of(platform: Platform, services: ContextServices | None) -> CourseServices:
    granted = _scopes(platform.granted_scopes)
    offered = _scopes(services.ags_scopes) if services else None
    usable = set(AGS_SCOPES)
    if granted is not None:
        usable &= granted
    if offered is not None:
        usable &= offered
    lineitems_url = services.lineitems_url if services else None

    grades: Missing | None = None
    if granted is not None and SCOPE_SCORE not in granted:
        grades = Missing.SCORE_NOT_GRANTED
    elif offered is None:
        grades = Missing.NO_GRADE_SERVICE
    elif SCOPE_SCORE not in usable:
        grades = Missing.SCORE_NOT_OFFERED
    new_columns = None
    if lineitems_url is None or SCOPE_LINEITEM not in usable:
        new_columns = Missing.COLUMNS_NOT_ALLOWED

    roster: Missing | None = None
    if granted is not None and SCOPE_MEMBERSHIPS not in granted:
        roster = Missing.ROSTER_NOT_GRANTED
    elif services is None or not services.memberships_url:
        roster = Missing.NO_ROSTER_SERVICE

    return CourseServices(
        ags_scopes=frozenset(usable),
        lineitems_url=lineitems_url,
        grades=grades,
        new_columns=new_columns,
        roster=roster,
    )


def course_services(session: Session, context_id: int) -> CourseServices:
    """The services of the LMS course ``context_id`` (``lms_context.id``), in one query
    (the tutor queue shows them on every page)."""
    row = session.exec(
        select(Platform, ContextServices)
        .join(LmsContext, LmsContext.platform_id == Platform.id)  # type: ignore[arg-type]
        .outerjoin(ContextServices, ContextServices.context_id == LmsContext.id)  # type: ignore[arg-type]
        .where(LmsContext.id == context_id)
    ).first()
    if row is None:
        raise ValueError(f"unknown context {context_id}")
    platform, services = row
    return services_of(platform, services)
