"""Coaching packages: what a package includes and how admins create, edit and archive
them (coaching issue §1). A platform's admins see and change only its own packages.

Archiving instead of deleting: grants and the audit log keep pointing at the package,
and an archived package stops counting for entitlements at once (``entitlements``).
Names are unique per platform regardless of case, so a CSV file or a script can name a
package without ambiguity.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from coaching.audit import AuditAction, record
from coaching.common import (
    MAX_DESCRIPTION,
    MAX_FEEDBACK_QUOTA,
    MAX_NAME,
    MAX_OFFICE_HOURS,
    Actor,
    CoachingRefused,
    Problem,
    check_period,
    clean_multiline,
    clean_text,
    date_field,
    iso,
    refuse,
)
from coaching.models import CoachingGrant, CoachingPackage
from kurswerk.core.clock import utcnow
from kurswerk.core.errors import NotFound
from kurswerk.core.i18n import N_

QUOTA_UNLIMITED = "unlimited"
QUOTA_LIMITED = "limited"
_NUMBER = re.compile(r"\d{1,9}")


@dataclass(frozen=True, slots=True)
class PackageInput:
    """A package's fields, checked (``parse_package_form``)."""

    name: str
    description: str = ""
    feedback_quota: int | None = None  # None: unlimited
    office_hours_per_month: int = 0
    valid_from: date | None = None
    valid_until: date | None = None


def _number(problems: list[Problem], name: str, raw: str, maximum: int) -> int | None:
    text = raw.strip()
    if not text:
        problems.append(Problem(name, N_("Bitte geben Sie eine Zahl ein.")))
        return None
    if text.startswith("-") and _NUMBER.fullmatch(text[1:]):
        problems.append(Problem(name, N_("Die Zahl darf nicht negativ sein.")))
        return None
    if not _NUMBER.fullmatch(text):
        problems.append(Problem(name, N_("Bitte geben Sie eine ganze Zahl ein, zum Beispiel 3.")))
        return None
    value = int(text)
    if value > maximum:
        problems.append(
            Problem(name, N_("Die Zahl darf höchstens %(max)s sein."), {"max": maximum})
        )
        return None
    return value


def parse_package_form(form: Mapping[str, str], *, locale: str) -> PackageInput:
    """Check the package form (every field a string, as a browser sends it); raise
    :class:`CoachingRefused` with *every* problem found."""
    problems: list[Problem] = []
    name = clean_text(form.get("name", ""))
    if not name:
        problems.append(Problem("name", N_("Bitte geben Sie einen Namen ein.")))
    elif len(name) > MAX_NAME:
        problems.append(
            Problem(
                "name", N_("Der Name darf höchstens %(max)s Zeichen lang sein."), {"max": MAX_NAME}
            )
        )
    description = clean_multiline(form.get("description", ""))
    if len(description) > MAX_DESCRIPTION:
        problems.append(
            Problem(
                "description",
                N_("Die Beschreibung darf höchstens %(max)s Zeichen lang sein."),
                {"max": MAX_DESCRIPTION},
            )
        )
    quota_kind = form.get("quota_kind", "")
    quota: int | None = None
    if quota_kind == QUOTA_LIMITED:
        quota = _number(
            problems, "feedback_quota", form.get("feedback_quota", ""), MAX_FEEDBACK_QUOTA
        )
    elif quota_kind != QUOTA_UNLIMITED:
        problems.append(Problem("quota_kind", N_("Bitte wählen Sie „Begrenzt“ oder „unbegrenzt“.")))
    hours_raw = form.get("office_hours_per_month", "").strip() or "0"
    hours = _number(problems, "office_hours_per_month", hours_raw, MAX_OFFICE_HOURS)
    valid_from = date_field(problems, "valid_from", form.get("valid_from"), locale=locale)
    valid_until = date_field(problems, "valid_until", form.get("valid_until"), locale=locale)
    check_period(problems, valid_from, valid_until)
    if problems:
        raise CoachingRefused(problems)
    return PackageInput(
        name=name,
        description=description,
        feedback_quota=quota,
        office_hours_per_month=hours or 0,
        valid_from=valid_from,
        valid_until=valid_until,
    )


def package_form_values(package: CoachingPackage | None) -> dict[str, str]:
    """The form's fields filled from a package (or the defaults of a new one)."""
    if package is None:
        return {"quota_kind": QUOTA_LIMITED, "feedback_quota": "3", "office_hours_per_month": "0"}
    return {
        "name": package.name,
        "description": package.description,
        "quota_kind": QUOTA_UNLIMITED if package.feedback_quota is None else QUOTA_LIMITED,
        "feedback_quota": "" if package.feedback_quota is None else str(package.feedback_quota),
        "office_hours_per_month": str(package.office_hours_per_month),
        "valid_from": iso(package.valid_from) or "",
        "valid_until": iso(package.valid_until) or "",
    }


def snapshot(package: CoachingPackage) -> dict[str, Any]:
    """The audit log's view of a package (JSON-safe)."""
    return {
        "name": package.name,
        "description": package.description,
        "feedback_quota": package.feedback_quota,
        "office_hours_per_month": package.office_hours_per_month,
        "valid_from": iso(package.valid_from),
        "valid_until": iso(package.valid_until),
        "archived": package.archived_at is not None,
    }


def _record(
    session: Session,
    actor: Actor,
    action: AuditAction,
    package: CoachingPackage,
    before: dict[str, Any] | None,
    after: dict[str, Any],
    source: str,
) -> None:
    """The audit log's entry for a change of ``package``."""
    record(
        session,
        actor,
        action,
        platform_id=package.platform_id,
        package_id=package.id,
        subject={"package": {"id": package.id, "name": package.name}},
        before=before,
        after=after,
        source=source,
    )


# --- Reading -------------------------------------------------------------------------


def list_packages(
    session: Session, *, platform_id: int, include_archived: bool = True
) -> list[CoachingPackage]:
    query = select(CoachingPackage).where(CoachingPackage.platform_id == platform_id)
    if not include_archived:
        query = query.where(col(CoachingPackage.archived_at).is_(None))
    packages = session.exec(query).all()
    return sorted(packages, key=lambda p: (p.archived_at is not None, p.name.casefold()))


def get_package(session: Session, *, platform_id: int, package_id: int) -> CoachingPackage:
    """The platform's package, or 404 (also for another platform's id: ids do not leak)."""
    package = session.get(CoachingPackage, package_id)
    if package is None or package.platform_id != platform_id:
        raise NotFound(N_("Dieses Paket gibt es nicht."), reason=f"package {package_id}")
    return package


def find_package_by_name(
    session: Session, *, platform_id: int, name: str
) -> CoachingPackage | None:
    """The platform's package with this name, regardless of case and outer white space."""
    wanted = clean_text(name).casefold()
    if not wanted:
        return None
    candidates = session.exec(
        select(CoachingPackage).where(
            CoachingPackage.platform_id == platform_id,
            func.lower(CoachingPackage.name) == wanted.lower(),
        )
    ).all()
    # lower() in SQL and casefold() differ for a few letters (ß): decide in Python.
    exact = [p for p in candidates if p.name.casefold() == wanted]
    return exact[0] if exact else (candidates[0] if candidates else None)


def open_grant_counts(session: Session, package_ids: list[int]) -> dict[int, int]:
    """How many not-revoked grants each package has (for the package list)."""
    if not package_ids:
        return {}
    rows = session.exec(
        select(CoachingGrant.package_id, func.count())
        .where(
            col(CoachingGrant.package_id).in_(package_ids),
            col(CoachingGrant.revoked_at).is_(None),
        )
        .group_by(col(CoachingGrant.package_id))
    ).all()
    return {package_id: int(count) for package_id, count in rows}


# --- Changing ------------------------------------------------------------------------


def _check_name_free(
    session: Session, platform_id: int, name: str, own_id: int | None = None
) -> None:
    other = find_package_by_name(session, platform_id=platform_id, name=name)
    if other is not None and other.id != own_id:
        raise refuse(
            "name",
            N_(
                "Ein Paket mit diesem Namen gibt es schon (auch archivierte zählen). "
                "Bitte wählen Sie einen anderen Namen."
            ),
            status=409,
        )


def _apply(package: CoachingPackage, data: PackageInput) -> None:
    package.name = data.name
    package.description = data.description
    package.feedback_quota = data.feedback_quota
    package.office_hours_per_month = data.office_hours_per_month
    package.valid_from = data.valid_from
    package.valid_until = data.valid_until


def create_package(
    session: Session, actor: Actor, *, platform_id: int, data: PackageInput, source: str = "web"
) -> CoachingPackage:
    _check_name_free(session, platform_id, data.name)
    package = CoachingPackage(platform_id=platform_id, name=data.name)
    _apply(package, data)
    session.add(package)
    session.flush()
    _record(session, actor, AuditAction.PACKAGE_CREATED, package, None, snapshot(package), source)
    return package


def update_package(
    session: Session,
    actor: Actor,
    package: CoachingPackage,
    data: PackageInput,
    *,
    source: str = "web",
) -> bool:
    """Change a package's fields; False (and no log entry) when nothing changed."""
    _check_name_free(session, package.platform_id, data.name, own_id=package.id)
    before = snapshot(package)
    _apply(package, data)
    after = snapshot(package)
    if after == before:
        return False
    package.updated_at = utcnow()
    session.add(package)
    session.flush()
    _record(session, actor, AuditAction.PACKAGE_UPDATED, package, before, after, source)
    return True


def set_archived(
    session: Session, actor: Actor, package: CoachingPackage, archived: bool, *, source: str = "web"
) -> bool:
    """Archive (no new grants, existing grants stop counting) or restore a package;
    False when it already was so."""
    if (package.archived_at is not None) == archived:
        return False
    before = snapshot(package)
    package.archived_at = utcnow() if archived else None
    package.updated_at = utcnow()
    session.add(package)
    session.flush()
    _record(
        session,
        actor,
        AuditAction.PACKAGE_ARCHIVED if archived else AuditAction.PACKAGE_RESTORED,
        package,
        before,
        snapshot(package),
        source,
    )
    return True
