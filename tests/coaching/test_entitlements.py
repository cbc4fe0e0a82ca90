"""The coaching entitlement rule: who holds a package in which course, and for how much."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import Session, select

from coaching.entitlements import coaching_status
from coaching.models import CoachingGrant, CoachingPackage
from course.content import load as content
from course.models import Exercise
from kurswerk.core.clock import utcnow
from lti.models import LmsContext, Platform, PlatformUser
from tests.course.conftest import CONTENT
from uploads.models import Submission

TODAY = date(2026, 11, 22)


@pytest.fixture
def world(db: Session):
    platform = Platform(
        issuer="https://lms.example",
        client_id="c",
        auth_login_url="https://lms.example/a",
        auth_token_url="https://lms.example/t",
        keyset_url="https://lms.example/k",
    )
    db.add(platform)
    db.flush()
    course_a = LmsContext(platform_id=platform.id, lms_context_id="a", title="A")
    course_b = LmsContext(platform_id=platform.id, lms_context_id="b", title="B")
    lena = PlatformUser(platform_id=platform.id, sub="lena", email="Lena@Example.org")
    tom = PlatformUser(platform_id=platform.id, sub="tom", email=None)
    db.add_all([course_a, course_b, lena, tom])
    db.flush()
    package = CoachingPackage(platform_id=platform.id, name="Coaching", feedback_quota=2)
    db.add(package)
    db.flush()
    db.commit()
    return platform, course_a, course_b, lena, tom, package


def _grant(db, package, context, **fields) -> CoachingGrant:
    grant = CoachingGrant(package_id=package.id, context_id=context.id, **fields)
    db.add(grant)
    db.commit()
    return grant


def test_without_a_grant_nobody_holds_a_package(db, world):
    _, course_a, _, lena, _, _ = world
    status = coaching_status(db, user_id=lena.id, context_id=course_a.id, today=TODAY)
    assert not status.active
    assert not status.may_submit_new()


def test_a_grant_holds_only_in_its_own_course(db, world):
    _, course_a, course_b, lena, _, package = world
    _grant(db, package, course_a, user_id=lena.id)
    assert coaching_status(db, user_id=lena.id, context_id=course_a.id, today=TODAY).active
    assert not coaching_status(db, user_id=lena.id, context_id=course_b.id, today=TODAY).active


def test_a_revoked_grant_holds_nothing(db, world):
    _, course_a, _, lena, _, package = world
    _grant(db, package, course_a, user_id=lena.id, revoked_at=utcnow())
    assert not coaching_status(db, user_id=lena.id, context_id=course_a.id, today=TODAY).active


@pytest.mark.parametrize(
    ("grant_dates", "package_dates", "active"),
    [
        ((None, TODAY), (None, None), True),  # last day included
        ((None, TODAY - timedelta(days=1)), (None, None), False),  # grant expired
        ((TODAY + timedelta(days=1), None), (None, None), False),  # grant not begun
        ((None, None), (None, TODAY - timedelta(days=1)), False),  # package expired
        ((None, None), (TODAY, TODAY), True),
    ],
)
def test_validity_of_grant_and_package_both_count(db, world, grant_dates, package_dates, active):
    _, course_a, _, lena, _, package = world
    package.valid_from, package.valid_until = package_dates
    db.add(package)
    _grant(
        db,
        package,
        course_a,
        user_id=lena.id,
        valid_from=grant_dates[0],
        valid_until=grant_dates[1],
    )
    status = coaching_status(db, user_id=lena.id, context_id=course_a.id, today=TODAY)
    assert status.active is active


def test_an_archived_package_holds_nothing(db, world):
    _, course_a, _, lena, _, package = world
    package.archived_at = utcnow()
    db.add(package)
    _grant(db, package, course_a, user_id=lena.id)
    assert not coaching_status(db, user_id=lena.id, context_id=course_a.id, today=TODAY).active


def test_an_email_grant_is_resolved_when_the_person_arrives(db, world):
    _, course_a, _, lena, _, package = world
    grant = _grant(db, package, course_a, email="lena@example.org")
    status = coaching_status(db, user_id=lena.id, context_id=course_a.id, today=TODAY)
    assert status.active
    db.refresh(grant)
    assert grant.user_id == lena.id


def test_an_email_grant_does_not_match_someone_without_that_email(db, world):
    _, course_a, _, _, tom, package = world
    _grant(db, package, course_a, email="lena@example.org")
    assert not coaching_status(db, user_id=tom.id, context_id=course_a.id, today=TODAY).active


def test_the_quota_counts_submissions_not_versions(db, world):
    _, course_a, _, lena, _, package = world
    content.load(db, CONTENT)
    db.commit()
    exercise = db.exec(select(Exercise)).first()
    _grant(db, package, course_a, user_id=lena.id)
    for industry in ("media", "fmcg"):
        db.add(
            Submission(
                context_id=course_a.id,
                user_id=lena.id,
                exercise_id=exercise.id,
                industry=industry,
                latest_version=3,
            )
        )
    db.commit()
    status = coaching_status(db, user_id=lena.id, context_id=course_a.id, today=TODAY)
    assert status.submissions_used == 2
    assert status.feedback_remaining == 0
    assert status.active and not status.may_submit_new()


def test_an_unlimited_package_wins_over_a_limited_one(db, world):
    platform, course_a, _, lena, _, package = world
    unlimited = CoachingPackage(platform_id=platform.id, name="Unbegrenzt", feedback_quota=None)
    db.add(unlimited)
    db.commit()
    _grant(db, package, course_a, user_id=lena.id)
    _grant(db, unlimited, course_a, user_id=lena.id)
    status = coaching_status(db, user_id=lena.id, context_id=course_a.id, today=TODAY)
    assert status.package.name == "Unbegrenzt"
    assert status.feedback_remaining is None and status.may_submit_new()
