"""Fixtures and helpers of the coaching tests (imported by the ``test_*.py`` beside it).

An *admin* of a fresh platform and LMS course, people in that course, packages, and a
way to post forms as someone (CSRF token included unless a test leaves it out).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import func
from sqlmodel import Session, SQLModel, select

from coaching.models import CoachingAuditEntry, CoachingGrant, CoachingPackage
from kurswerk.core.auth import Role
from kurswerk.core.clock import utcnow
from lti.models import LmsContext, Platform, PlatformUser
from tests.support.people import Learner, MakeLearner, make_learner

TODAY = utcnow().date()


@dataclass
class Site:
    """One platform and course with its admin (as the admin pages see them)."""

    admin: Learner
    course: LmsContext
    platform: Platform

    @property
    def base(self) -> str:
        return f"/c/{self.course.id}/admin/coaching"


@pytest.fixture
def site(db: Session, make_learner: MakeLearner) -> Site:
    admin = make_learner(role=Role.ADMIN, name="Ada Admin")
    course = db.get(LmsContext, admin.context_id)
    assert course is not None
    course.title = "Social-Media-Strategie"
    db.add(course)
    db.commit()
    platform = db.get(Platform, course.platform_id)
    assert platform is not None
    return Site(admin=admin, course=course, platform=platform)


@pytest.fixture
def other_site(db: Session, make_learner: MakeLearner) -> Site:
    """An admin of another platform, with their own course."""
    admin = make_learner(role=Role.ADMIN, name="Otto Other")
    course = db.get(LmsContext, admin.context_id)
    assert course is not None
    platform = db.get(Platform, course.platform_id)
    assert platform is not None
    return Site(admin=admin, course=course, platform=platform)


def make_package(db: Session, platform_id: int, name: str = "Coaching Basis", **fields: Any):
    package = CoachingPackage(platform_id=platform_id, name=name, **fields)
    db.add(package)
    db.commit()
    return package


def get(client: TestClient, person: Learner, path: str) -> Response:
    return client.get(person.url(path), follow_redirects=False)


def post(
    client: TestClient,
    person: Learner,
    path: str,
    data: dict[str, Any] | None = None,
    *,
    csrf: str | None = "auto",
) -> Response:
    """A form POST as ``person``; ``csrf=None`` leaves the token out, a string forges it."""
    form = dict(data or {})
    if csrf == "auto":
        form["csrf_token"] = person.csrf
    elif csrf is not None:
        form["csrf_token"] = csrf
    return client.post(person.url(path), data=form, follow_redirects=False)


def count(db: Session, model: type[SQLModel]) -> int:
    db.expire_all()
    return int(db.exec(select(func.count()).select_from(model)).one())


def snapshot(db: Session) -> tuple[int, int, int]:
    """(packages, grants, audit entries): what a refused request must leave unchanged."""
    return count(db, CoachingPackage), count(db, CoachingGrant), count(db, CoachingAuditEntry)


def audit_log(db: Session) -> list[CoachingAuditEntry]:
    db.expire_all()
    return list(db.exec(select(CoachingAuditEntry).order_by(CoachingAuditEntry.id)).all())


def user_of(db: Session, person: Learner) -> PlatformUser:
    user = db.get(PlatformUser, person.principal.user_id)
    assert user is not None
    return user


__all__ = [
    "TODAY",
    "Learner",
    "MakeLearner",
    "Site",
    "audit_log",
    "count",
    "get",
    "make_learner",
    "make_package",
    "other_site",
    "post",
    "site",
    "snapshot",
    "user_of",
]
