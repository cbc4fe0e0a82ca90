# ruff: noqa: F811 - fixtures are imported by name and then requested as arguments
"""A gradebook's *view submission* (LTI Submission Review 1.0) opens the right page.

Against the live LMS simulator (its gradebook's review button, a teacher) and the
lti1p3platform peer (a learner's own review, and a forged one): the exercise comes from
the column (line item) or the link's ``kurswerk_target``; staff land on the tutor's
review page, a learner on their own feedback page; no submission, or a column that is
not an exercise of this course, lands on a page that says so - and every page still
checks who may see it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from sqlmodel import Session, select

from kurswerk.core.auth import Role
from kurswerk.core.outbox.queue import RetryPolicy, deliver_due
from lti import service as lti_service
from lti.models import LineItem, LmsContext
from tests.feedback.helpers import launched, path, session_of, text_of, write_and_release
from tests.lti.advantage import Simulator, landing, launch, simulator_fixture, user
from tests.lti.conftest import keyset_server, peer, run_flow  # noqa: F401 - fixtures
from tests.uploads.submission_fixtures import (
    exercise_id,
    foreign_exercise,
    give_package,
    upload_pdf,
)
from uploads.models import Submission

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"
EXERCISE_TARGET = "lessons/kundenbeziehungen/exercises/leistungen-pruefen"
EXERCISE_TITLE = "Leistungen für die Kundenbeziehung und Social Media"
FEEDBACK = "Ihre Analyse der **Kundenbeziehung** ist schlüssig."


@pytest.fixture
def sim(app: FastAPI, db: Session) -> Iterator[Simulator]:
    yield from simulator_fixture(app, db, register=True)


def _column_with_a_released_feedback(app, web, sim, db, engine, settings) -> tuple[str, int]:
    """Lena submits, the worker makes the exercise's column, Tom releases feedback:
    (the simulator's column id, the submission id)."""
    lena = launched(app, web, sim, "lena")
    tom = launched(app, web, sim, "tom")
    give_package(db, lena)
    assert upload_pdf(web, lena, exercise_id(db), filename="Meine Strategie.pdf").status_code == 303
    handlers = {lti_service.LMS_CALL: lti_service.lms_call_handler(settings, engine)}
    policy = RetryPolicy(max_attempts=3, backoff_seconds=1, backoff_cap_seconds=2)
    assert deliver_due(engine, handlers, policy=policy).sent == 1
    [column_id] = list(sim.course.line_items)
    db.expire_all()
    submission_id = db.exec(select(Submission.id)).one()
    write_and_release(web, tom, submission_id, FEEDBACK)
    return column_id, submission_id


# --- a teacher from the simulator's gradebook -------------------------------------------


def test_a_teachers_review_opens_the_submission_with_its_released_feedback(
    app, web, sim, db, engine, settings, course
):
    column_id, submission_id = _column_with_a_released_feedback(app, web, sim, db, engine, settings)
    # The gradebook's button frames exactly this launch.
    button = sim.client.get(
        "/gradebook", params={"person": "tom", "review": "lena", "line_item": column_id}
    )
    assert f'src="/launch/tom?review=lena&amp;line_item={column_id}"' in button.text
    where, token = landing(launch(web, sim, "tom", review="lena", line_item=column_id))
    context_id = user_context(where)
    assert where == f"/c/{context_id}/review/{submission_id}"
    page = opened(web, where, token)
    assert page.status_code == 200
    text = text_of(page)
    assert "Lena Lernende" in text and "Meine Strategie.pdf" in text
    assert "Ihre Analyse der Kundenbeziehung ist schlüssig." in text


def opened(web, where: str, token: str):
    """GET the landing path (its own query kept) with the session token."""
    return web.get(f"{where}{'&' if '?' in where else '?'}kt={token}")


def user_context(where: str) -> int:
    return int(where.split("/")[2])


def test_a_review_of_a_learner_without_a_submission_says_so(
    app, web, sim, db, engine, settings, course
):
    column_id, _ = _column_with_a_released_feedback(app, web, sim, db, engine, settings)
    where, token = landing(launch(web, sim, "tom", review="carla", line_item=column_id))
    carla = user(db, sim.config.person("carla").sub)
    context_id = user_context(where)
    assert where == f"/c/{context_id}/submission-review/{carla.id}?exercise={exercise_id(db)}"
    page = opened(web, where, token)
    assert page.status_code == 200  # a page that says so, not an error
    assert f"{carla.name} hat zur Übung „{EXERCISE_TITLE}“ noch nichts eingereicht." in (
        text_of(page)
    )
    assert "Zu den Einreichungen" in page.text


def test_a_column_that_is_no_exercise_of_this_course_says_so(
    app, web, sim, db, engine, settings, course
):
    launched(app, web, sim, "lena")
    tom = launched(app, web, sim, "tom")
    # An exercise of another course, and a column Kurswerk knows for it in this LMS course.
    foreign = foreign_exercise(db)
    columns = {
        "foreign": sim.course.add_line_item(
            label="Fremd", score_maximum=1, resource_id=f"exercise:{foreign.id}"
        ),
        "unknown": sim.course.add_line_item(
            label="Unbekannt", score_maximum=1, resource_id="exercise:99999"
        ),
    }
    db.add(
        LineItem(
            context_id=tom.context_id,
            resource_id=f"exercise:{foreign.id}",
            lineitem_url=sim.config.lineitem_url(columns["foreign"].id),
        )
    )
    db.commit()
    lena = user(db, sim.config.person("lena").sub)
    for column in columns.values():
        where, token = landing(launch(web, sim, "tom", review="lena", line_item=column.id))
        assert where == f"/c/{tom.context_id}/submission-review/{lena.id}", column.label
        page = opened(web, where, token)
        assert page.status_code == 200
        assert "gehört zu keiner Übung dieses Kurses" in text_of(page)
        assert "Fremde Übung" not in page.text


# --- learners, through the lti1p3platform peer -------------------------------------------


def _peer_review(
    client,
    peer,
    *,
    target: str,
    sub: str = "peer-learner",
    for_user: str = "peer-learner",
    **kw: Any,
):
    return run_flow(
        client,
        peer,
        user_id="peer-learner",
        roles=[LEARNER],
        custom={"kurswerk_target": target},
        extra={
            LTI + "message_type": "LtiSubmissionReviewRequest",
            LTI + "for_user": {"user_id": for_user, "name": "Someone"},
        },
        **kw,
    )[1]


def test_a_learners_own_review_opens_their_feedback_page(
    app, web, peer, db, course, make_submission, make_learner
):
    _, first = run_flow(web, peer, user_id="peer-learner", roles=[LEARNER])
    learner = session_of(app, landing(first)[1])
    tutor = make_learner(context=db.get(LmsContext, learner.context_id), role=Role.TUTOR)
    submission = make_submission(learner)
    web.cookies.clear()  # the tutor works in their own browser, without the learner's cookie
    write_and_release(web, tutor, submission.id, FEEDBACK)

    review = _peer_review(web, peer, target=EXERCISE_TARGET)
    where, token = landing(review)
    assert where == f"/c/{learner.context_id}/feedback/{submission.id}"
    page = opened(web, where, token)
    assert page.status_code == 200
    assert "Ihre Analyse der Kundenbeziehung ist schlüssig." in text_of(page)


def test_a_learner_asking_to_review_someone_else_is_refused(
    app, web, peer, db, course, make_submission
):
    _, first = run_flow(web, peer, user_id="other-learner", roles=[LEARNER])
    other = session_of(app, landing(first)[1])
    make_submission(other)
    _, mine = run_flow(web, peer, user_id="peer-learner", roles=[LEARNER])
    me = session_of(app, landing(mine)[1])

    forged = _peer_review(web, peer, for_user="other-learner", target=EXERCISE_TARGET)
    assert forged.status_code == 403
    assert "nur Ihre eigene Einreichung" in forged.text
    # Nor by naming the other learner on the pages a review lands on.
    web.cookies.clear()
    other_id = other.principal.user_id
    missing = web.get(path(me, f"/submission-review/{other_id}?exercise={exercise_id(db)}"))
    assert missing.status_code == 404
    submission_id = db.exec(select(Submission.id)).one()
    for rest in (f"/feedback/{submission_id}", f"/review/{submission_id}"):
        assert web.get(path(me, rest)).status_code == 404, rest


def test_a_learners_own_review_without_a_submission_says_so_in_english(app, web, peer, db, course):
    review = _peer_review(
        web,
        peer,
        target=EXERCISE_TARGET + "?industry=media",
        locale="en-US",
    )
    where, token = landing(review)
    assert "/submission-review/" in where and f"exercise={exercise_id(db)}" in where
    page = opened(web, where, token)
    assert page.status_code == 200
    assert f"You have not submitted anything for the exercise “{EXERCISE_TITLE}” yet." in (
        text_of(page)
    )
    assert "To the submissions" not in page.text  # a learner has no queue


def test_a_review_from_a_link_to_no_exercise_of_the_course_says_so(app, web, peer, db, course):
    review = _peer_review(
        web,
        peer,
        target="lessons/gibt-es-nicht/exercises/auch-nicht",
        locale="en-US",
    )
    where, token = landing(review)
    assert re.fullmatch(r"/c/\d+/submission-review/\d+", where), where  # no exercise named
    page = opened(web, where, token)
    assert page.status_code == 200
    assert "does not belong to an exercise of this course" in text_of(page)


def test_a_submission_that_arrived_since_opens_instead_of_the_nothing_page(
    app, web, peer, db, course, make_submission
):
    review = _peer_review(web, peer, target=EXERCISE_TARGET)
    where, token = landing(review)
    assert "/submission-review/" in where
    learner = session_of(app, token)
    submission = make_submission(learner)
    again = opened(web, where, token)
    assert again.status_code == 303
    assert again.headers["location"].startswith(
        f"/c/{learner.context_id}/feedback/{submission.id}?"
    )
