""" "Nächste Einreichung" (issue 13): the oldest open submission nobody has claimed, within
the queue's filters, claimed at once; two tutors pressing together get two different
submissions (or one gets "nothing left"); an empty selection says so on the queue."""

from __future__ import annotations

import re
import threading
from dataclasses import replace
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from feedback import next_submission
from feedback.models import ReviewClaim
from feedback.queue_values import QueueFilters
from kurswerk.core.auth import Role, SessionCodec
from kurswerk.core.clock import utcnow
from kurswerk.core.db import new_session
from lti.models import LmsContext, Membership
from tests.feedback.conftest import exercise_id
from tests.feedback.helpers import claim, claim_row, path, save, status_of, text_of
from tests.support.people import Learner
from uploads.models import SubmissionStatus

TTL = timedelta(hours=2)
NONE_LEFT = "Für diese Auswahl wartet keine Einreichung, die noch niemand übernommen hat."


def press_next(client: TestClient, person, **filters: str):
    return client.post(path(person, "/queue/next"), data={"csrf_token": person.csrf, **filters})


def opened(response) -> int:
    """The submission a redirect to a review page opens."""
    assert response.status_code == 303, response.text
    found = re.search(r"/review/(\d+)\?", response.headers["location"])
    assert found, response.headers["location"]
    return int(found.group(1))


def ago(days: float):
    return utcnow() - timedelta(days=days)


def test_it_claims_the_oldest_free_submission_and_opens_it(web, world, make_submission, db):
    taken = make_submission(world.learner, submitted_at=ago(5))
    older_free = make_submission(world.learner2, submitted_at=ago(4))
    make_submission(world.learner, industry="b2b", submitted_at=ago(1))
    assert claim(web, world.tutor2, taken.id).status_code == 303

    response = press_next(web, world.tutor)
    assert opened(response) == older_free.id
    assert "done=claimed" in response.headers["location"]
    assert claim_row(db, older_free.id).tutor_user_id == world.tutor.principal.user_id
    assert status_of(db, older_free.id) == "in_review"
    page = web.get(response.headers["location"])
    assert "Sie haben die Einreichung übernommen." in page.text


def test_a_claim_someone_let_expire_is_not_taken_without_its_confirmation(
    web, world, make_submission, db
):
    expired = make_submission(world.learner, submitted_at=ago(3))
    claim(web, world.tutor2, expired.id)
    row = claim_row(db, expired.id)
    row.expires_at = row.claimed_at - timedelta(minutes=1)
    db.add(row)
    db.commit()
    response = press_next(web, world.tutor)
    assert "done=none_left" in response.headers["location"]
    assert claim_row(db, expired.id).tutor_user_id == world.tutor2.principal.user_id


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"industry": "b2b"}, "b2b_new"),
        ({"exercise": "art"}, "other_exercise"),
        ({"lesson": "kundenbeziehungen", "industry": "b2b"}, "b2b_new"),
        ({"overdue": "1"}, "media_old"),
        ({"status": "submitted"}, "media_old"),
        ({"status": "all"}, "media_old"),
    ],
)
def test_the_queues_filters_choose_what_comes_next(
    web, world, make_submission, db, filters, expected
):
    made = {
        "media_old": make_submission(world.learner, submitted_at=ago(12)),
        "b2b_new": make_submission(world.learner, industry="b2b", submitted_at=ago(1)),
        "other_exercise": make_submission(
            world.learner2, exercise="art-der-kundenbeziehung", submitted_at=ago(2)
        ),
    }
    if filters.get("exercise") == "art":
        filters = {"exercise": str(exercise_id(db, "art-der-kundenbeziehung"))}
    assert opened(press_next(web, world.tutor, **filters)) == made[expected].id


def test_nothing_left_goes_back_to_the_queue_with_the_filters_and_says_so(
    web, world, make_submission, db
):
    make_submission(world.learner, industry="media")
    make_submission(world.learner2, status=SubmissionStatus.FEEDBACK_RELEASED, industry="b2b")
    response = press_next(web, world.tutor, industry="b2b", overdue="1")
    assert response.status_code == 303
    location = response.headers["location"]
    assert "/queue?" in location and "done=none_left" in location
    assert "industry=b2b" in location and "overdue=1" in location
    page = web.get(location)
    assert page.status_code == 200 and NONE_LEFT in text_of(page)
    assert 'id="kw-f-overdue" name="overdue" value="1" checked' in page.text
    assert db.exec(select(ReviewClaim)).all() == []


def test_the_released_filter_has_nothing_to_take(web, world, make_submission, db):
    make_submission(world.learner)
    response = press_next(web, world.tutor, status="feedback_released")
    assert "done=none_left" in response.headers["location"]
    assert db.exec(select(ReviewClaim)).all() == []


def test_an_empty_queue_says_so(web, world):
    response = press_next(web, world.tutor)
    assert NONE_LEFT in text_of(web.get(response.headers["location"]))


def test_another_courses_submission_is_never_taken(web, world, make_submission, db):
    make_submission(world.other_learner, submitted_at=ago(9))
    assert "done=none_left" in press_next(web, world.tutor).headers["location"]
    assert db.exec(select(ReviewClaim)).all() == []


@pytest.mark.parametrize("token", [None, "", "falsch"])
def test_without_the_right_csrf_token_nothing_is_claimed(web, world, make_submission, db, token):
    make_submission(world.learner)
    data = {} if token is None else {"csrf_token": token}
    response = web.post(path(world.tutor, "/queue/next"), data=data)
    assert response.status_code == 403
    assert db.exec(select(ReviewClaim)).all() == []


def test_learners_cannot_take_submissions(web, world, make_submission, db):
    make_submission(world.learner2)
    assert press_next(web, world.learner).status_code == 403
    assert db.exec(select(ReviewClaim)).all() == []


def test_a_bad_filter_is_refused(web, world, make_submission, db):
    make_submission(world.learner)
    assert press_next(web, world.tutor, exercise="x").status_code == 400
    assert press_next(web, world.tutor, industry="nirgends").status_code == 400
    assert press_next(web, world.tutor, overdue="ja").status_code == 400
    assert db.exec(select(ReviewClaim)).all() == []


# --- two tutors at once ------------------------------------------------------------------


def _take(session, person) -> int | None:
    return next_submission.take_next(
        session, person.principal, QueueFilters(), ttl=TTL, target_days=5, now=utcnow()
    )


@pytest.mark.parametrize("submissions", [2, 1])
def test_two_sessions_taking_at_once_never_take_the_same(
    engine, world, make_submission, submissions
):
    """The first takes the oldest and has not committed; the second, meanwhile, reads the
    same oldest as free, waits for the first (claim row lock on PostgreSQL, the write lock
    on SQLite), loses it and goes on to the next one - or finds nothing left."""
    made = [make_submission(world.learner, submitted_at=ago(3))]
    if submissions == 2:
        made.append(make_submission(world.learner2, submitted_at=ago(2)))
    first, second = new_session(engine), new_session(engine)
    results: dict[str, object] = {}
    try:
        assert _take(first, world.tutor) == made[0].id

        def run_second() -> None:
            try:
                results["second"] = _take(second, world.tutor2)
                second.commit()
            except Exception as exc:  # surfaced below
                results["error"] = exc

        thread = threading.Thread(target=run_second)
        thread.start()
        thread.join(timeout=1.0)
        if not thread.is_alive():  # it did not wait for the first: then not the same one
            assert results.get("second") != made[0].id
        first.commit()
        thread.join(timeout=60)
        assert not thread.is_alive()
    finally:
        first.close()
        second.close()
    assert "error" not in results, results.get("error")
    assert results["second"] == (made[1].id if submissions == 2 else None)
    with new_session(engine) as check:
        holders = {row.submission_id: row.tutor_user_id for row in check.exec(select(ReviewClaim))}
    expected = {made[0].id: world.tutor.principal.user_id}
    if submissions == 2:
        expected[made[1].id] = world.tutor2.principal.user_id
    assert holders == expected


@pytest.mark.parametrize("attempt", range(3))
def test_two_tutors_pressing_next_at_the_same_moment(app, world, make_submission, db, attempt):
    """Two browsers, two requests released together: two review pages of two different
    submissions, each claimed by the tutor who opens it."""
    made = {
        make_submission(world.learner, submitted_at=ago(3)).id,
        make_submission(world.learner2, submitted_at=ago(2)).id,
    }
    barrier = threading.Barrier(2)
    responses = {}

    def press(person, label: str) -> None:
        with TestClient(app, base_url="https://kurswerk.test") as own:
            own.follow_redirects = False
            barrier.wait()
            responses[label] = press_next(own, person)

    threads = [
        threading.Thread(target=press, args=(world.tutor, "tilda")),
        threading.Thread(target=press, args=(world.tutor2, "theo")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    got = {label: opened(response) for label, response in responses.items()}
    assert set(got.values()) == made
    assert claim_row(db, got["tilda"]).tutor_user_id == world.tutor.principal.user_id
    assert claim_row(db, got["theo"]).tutor_user_id == world.tutor2.principal.user_id


def test_the_only_submission_goes_to_one_of_two_tutors_pressing_at_once(
    app, world, make_submission, db
):
    only = make_submission(world.learner)
    barrier = threading.Barrier(2)
    locations = []

    def press(person) -> None:
        with TestClient(app, base_url="https://kurswerk.test") as own:
            own.follow_redirects = False
            barrier.wait()
            locations.append(press_next(own, person).headers["location"])

    threads = [threading.Thread(target=press, args=(p,)) for p in (world.tutor, world.tutor2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted("done=none_left" in where for where in locations) == [False, True]
    assert sum(f"/review/{only.id}?" in where for where in locations) == 1
    assert claim_row(db, only.id) is not None


def test_a_double_click_opens_one_submission_not_two(app, world, make_submission, db):
    """One tutor's two presses released together (a double-click sends both): both open
    the same submission, and only that one is claimed."""
    made = [
        make_submission(world.learner, submitted_at=ago(3)),
        make_submission(world.learner2, submitted_at=ago(2)),
    ]
    barrier = threading.Barrier(2)
    opened_ids: list[int] = []

    def press() -> None:
        with TestClient(app, base_url="https://kurswerk.test") as own:
            own.follow_redirects = False
            barrier.wait()
            opened_ids.append(opened(press_next(own, world.tutor)))

    threads = [threading.Thread(target=press) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert opened_ids == [made[0].id, made[0].id]
    assert claim_row(db, made[1].id) is None


def test_a_later_press_takes_the_next_one(web, world, make_submission, db, monkeypatch):
    """Beyond the repeat window, or once the tutor has written on the first, "next"
    means the next submission."""
    made = [
        make_submission(world.learner, submitted_at=ago(3)),
        make_submission(world.learner2, submitted_at=ago(2)),
        make_submission(world.learner, industry="b2b", submitted_at=ago(1)),
    ]
    assert opened(press_next(web, world.tutor)) == made[0].id
    assert save(web, world.tutor, made[0].id, "Erste Gedanken.").status_code == 303
    assert opened(press_next(web, world.tutor)) == made[1].id  # written on: next one
    monkeypatch.setattr(next_submission, "REPEAT_WINDOW", timedelta(0))
    assert opened(press_next(web, world.tutor)) == made[2].id  # window over: next one


def test_a_press_in_another_lms_course_takes_that_courses_submission(
    app, web, world, make_learner, make_submission, db
):
    """The repeat window belongs to one LMS course: the same tutor pressing "next" in a
    second course of the platform within seconds gets that course's submission, not the
    one just opened in the first."""
    first = make_submission(world.learner, submitted_at=ago(3))
    assert opened(press_next(web, world.tutor)) == first.id

    home = db.get(LmsContext, world.tutor.context_id)
    second_course = LmsContext(
        platform_id=home.platform_id, lms_context_id="second-course", title="Zweiter Kurs"
    )
    db.add(second_course)
    db.commit()
    learner_there = make_learner(context=second_course)
    waiting_there = make_submission(learner_there, submitted_at=ago(1))
    db.add(
        Membership(
            user_id=world.tutor.principal.user_id,
            context_id=second_course.id,
            role=Role.TUTOR.value,
        )
    )
    db.commit()
    codec: SessionCodec = app.state.session_codec
    principal = replace(
        world.tutor.principal, context_id=second_course.id, sid=SessionCodec.new_sid()
    )
    tutor_there = Learner(principal, codec.issue(principal), codec.csrf_token(principal))

    assert opened(press_next(web, tutor_there)) == waiting_there.id
    assert claim_row(db, waiting_there.id).tutor_user_id == world.tutor.principal.user_id
    assert claim_row(db, first.id).tutor_user_id == world.tutor.principal.user_id
