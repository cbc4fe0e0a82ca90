# ruff: noqa: F811 - fixtures are imported by name and then requested as arguments
"""A submission tells the LMS gradebook "submitted, awaiting grading" (issue 5 §3): one
``lms_call`` outbox row written in the submission's own transaction, for the exercise's
column (the same ``resourceId`` the deep-link catalog uses); a course without the grade
service records it as skipped and the submission goes through; against the LMS simulator
the score arrives."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from sqlmodel import Session, select

from coaching.models import CoachingGrant, CoachingPackage
from course import exercise_names as course_exercise_names
from course.models import Exercise
from kurswerk.core.auth import Principal, Role
from kurswerk.core.files.storage import key_for
from kurswerk.core.outbox.queue import OutboxMessage, OutboxStatus, RetryPolicy, deliver_due
from lti import service as lti_service
from lti.ags import AGS_SCOPES, SKIP_NO_GRADE_SERVICE
from lti.models import ContextServices
from tests.lti.advantage import Simulator, context_of, landing, launch, simulator_fixture, user
from tests.support.people import make_learner  # noqa: F401 - fixture
from tests.uploads.submission_fixtures import (  # noqa: F401 - fixtures
    course_loaded,
    exercise_id,
    give_package,
    people,
    upload_pdf,
    web,
)
from uploads.models import SubmissionVersion
from uploads.submissions import StoredFile, record_submission
from uploads.targets import find_target

LINEITEMS = "https://lms.example/api/lineitems"


def lms_calls(db: Session) -> list[OutboxMessage]:
    db.expire_all()
    return list(
        db.exec(
            select(OutboxMessage)
            .where(OutboxMessage.kind == lti_service.LMS_CALL)
            .order_by(OutboxMessage.id)
        ).all()
    )


def _offer_grades(db: Session, context_id: int) -> None:
    """The LMS course's launches carried the AGS claim with every scope."""
    db.add(
        ContextServices(
            context_id=context_id, lineitems_url=LINEITEMS, ags_scopes=" ".join(AGS_SCOPES)
        )
    )
    db.commit()


def _record(db: Session, principal: Principal, ex_id: int, settings, *, key: str):
    target = find_target(db, principal.context_id, ex_id, "media")
    stored = StoredFile(key_for("a" * 64), "a" * 64, 1000, 2, "Strategie.pdf")
    return record_submission(
        db, principal, target, stored, idempotency_key=key, note="", settings=settings
    )


def test_an_upload_in_a_course_without_grade_service_is_recorded_as_skipped(web, db, people):
    ex = exercise_id(db)
    response = upload_pdf(web, people.holder, ex)
    assert response.status_code == 303  # the submission is not refused
    version = db.exec(select(SubmissionVersion)).one()
    [row] = lms_calls(db)
    assert row.status == OutboxStatus.SKIPPED
    assert row.skipped_reason == SKIP_NO_GRADE_SERVICE
    assert row.payload["line_item"]["resourceId"] == course_exercise_names.exercise_resource_id(ex)
    assert row.payload["line_item"]["label"] == db.get(Exercise, ex).title
    assert row.payload["score"]["activityProgress"] == "Submitted"
    assert row.payload["score"]["gradingProgress"] == "PendingManual"
    assert row.dedup_key == f"grade-submitted:{version.id}"


def test_the_score_row_is_part_of_the_submissions_transaction(db, people, settings):
    _offer_grades(db, people.holder.context_id)
    ex = exercise_id(db)

    _record(db, people.holder.principal, ex, settings, key="k" * 20)
    db.rollback()
    assert lms_calls(db) == []

    _record(db, people.holder.principal, ex, settings, key="k" * 20)
    db.commit()
    [row] = lms_calls(db)
    assert row.status == OutboxStatus.PENDING
    assert row.payload["lineitems_url"] == LINEITEMS


def test_each_version_sends_its_own_score_and_a_replay_none(db, people, settings):
    _offer_grades(db, people.holder.context_id)
    ex = exercise_id(db)
    _record(db, people.holder.principal, ex, settings, key="a" * 20)
    db.commit()
    _record(db, people.holder.principal, ex, settings, key="a" * 20)  # same key: replay
    db.commit()
    _record(db, people.holder.principal, ex, settings, key="b" * 20)  # version 2
    db.commit()
    versions = db.exec(select(SubmissionVersion).order_by(SubmissionVersion.id)).all()
    assert [row.dedup_key for row in lms_calls(db)] == [f"grade-submitted:{v.id}" for v in versions]
    assert len(versions) == 2


# --- end to end: the LMS simulator's gradebook ------------------------------------------


@pytest.fixture
def sim(app: FastAPI, db: Session) -> Iterator[Simulator]:
    yield from simulator_fixture(app, db, register=True)


def test_a_submission_arrives_in_the_simulators_gradebook(
    client, sim: Simulator, db, engine, settings, course_loaded
):
    landing(launch(client, sim, "lena"))
    context = context_of(db)
    lena = user(db, sim.config.person("lena").sub)
    assert context.id is not None and lena.id is not None
    package = CoachingPackage(platform_id=context.platform_id, name="Coaching", feedback_quota=3)
    db.add(package)
    db.flush()
    assert package.id is not None
    db.add(CoachingGrant(package_id=package.id, context_id=context.id, user_id=lena.id))
    db.commit()
    principal = Principal(
        user_id=lena.id, context_id=context.id, platform_id=context.platform_id, role=Role.LEARNER
    )
    ex = exercise_id(db)
    _record(db, principal, ex, settings, key="e" * 20)
    db.commit()

    handler = lti_service.lms_call_handler(settings, engine)
    policy = RetryPolicy(max_attempts=3, backoff_seconds=1, backoff_cap_seconds=2)
    report = deliver_due(engine, {lti_service.LMS_CALL: handler}, policy=policy)
    assert report.sent == 1
    [((column_id, sub), score)] = list(sim.course.scores.items())
    assert sub == lena.sub
    assert score.activity_progress == "Submitted"
    assert score.grading_progress == "PendingManual"
    column = sim.course.line_items[column_id]
    assert column.resource_id == course_exercise_names.exercise_resource_id(ex)
    assert column.label == db.get(Exercise, ex).title
