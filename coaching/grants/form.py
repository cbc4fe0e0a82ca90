"""The admin page's grant form: which package, to whom (a course member or an email) and
for which dates, read into a ``GrantRequest`` or refused with every problem at once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from coaching.common import CoachingRefused, Problem, clean_text, date_field, refuse
from coaching.grants.grantees import Grantee, grantee_by_email, grantee_by_user
from coaching.models import CoachingPackage
from coaching.packages import get_package
from kurswerk.core.errors import NotFound
from kurswerk.core.i18n import N_
from lti.models import LmsContext


@dataclass(frozen=True, slots=True)
class GrantRequest:
    package: CoachingPackage
    grantee: Grantee
    valid_from: date | None
    valid_until: date | None


def parse_grant_form(
    session: Session, course: LmsContext, form: Mapping[str, str], *, locale: str
) -> GrantRequest:
    """Read a grant form: ``package`` (id), the person as ``member`` (a user id) *or*
    ``email`` (``by`` says which form was sent), optional ``valid_from``/``valid_until``.
    Raises with every problem."""
    problems: list[Problem] = []
    package: CoachingPackage | None = None
    raw_package = form.get("package", "").strip()
    if not raw_package.isdigit() or len(raw_package) > 12:
        problems.append(Problem("package", N_("Bitte wählen Sie ein Paket.")))
    else:
        try:
            package = get_package(
                session, platform_id=course.platform_id, package_id=int(raw_package)
            )
        except NotFound:
            problems.append(Problem("package", N_("Dieses Paket gibt es nicht.")))
    grantee: Grantee | None = None
    member = form.get("member", "").strip()
    email = clean_text(form.get("email", ""))
    by = form.get("by") or ("email" if email and not member else "member")
    try:
        if member and email:
            raise refuse(
                by,
                N_(
                    "Bitte nennen Sie die Person entweder als Kursmitglied oder per "
                    "E-Mail-Adresse, nicht beides."
                ),
            )
        if by == "email":
            grantee = grantee_by_email(session, course, email)
        elif not member:
            raise refuse("member", N_("Bitte wählen Sie ein Kursmitglied."))
        elif not member.isdigit() or len(member) > 12:
            raise refuse("member", N_("Diese Person ist kein Mitglied dieses Kurses."))
        else:
            grantee = grantee_by_user(session, course, int(member))
    except CoachingRefused as refused:
        problems += refused.problems
    valid_from = date_field(problems, "valid_from", form.get("valid_from"), locale=locale)
    valid_until = date_field(problems, "valid_until", form.get("valid_until"), locale=locale)
    if problems:
        raise CoachingRefused(problems)
    assert package is not None and grantee is not None
    return GrantRequest(package, grantee, valid_from, valid_until)
