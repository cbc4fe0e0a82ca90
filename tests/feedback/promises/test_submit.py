# ruff: noqa: F811 - fixtures are imported by name and then requested as arguments
"""The promised date before and after submitting (issue 14): the forms quote it from
the target, the holidays and the queue at the tutors' stated pace; the upload stores it
with the version; the receipt page, the receipt email, the learner's list and the
submission's page read the stored date back, however the queue changes later."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from feedback.promises import capacity
from feedback.promises.models import FeedbackPromise, PromiseEventKind, PromiseState
from kurswerk.core import clock
from tests.course.html_tools import parse
from tests.feedback.promises.conftest import events_of, promise_of
from tests.support.people import make_learner  # noqa: F401 - fixture
from tests.uploads.submission_fixtures import (  # noqa: F401 - fixtures
    EXERCISE,
    LESSON,
    OTHER_EXERCISE,
    course_loaded,
    exercise_id,
    give_package,
    people,
    receipt_path,
    text_of,
    upload_pdf,
    web,
)
from tests.uploads.test_submission_mail import deliver, mails_to, sink, text_part  # noqa: F401
from uploads.models import Submission, SubmissionStatus

INDUSTRIES = ("media", "fmcg", "retail", "b2b")


def waiting_submissions(db: Session, people, count: int) -> None:
    """``count`` open submissions of other learners in the holder's LMS course."""
    exercises = [exercise_id(db), exercise_id(db, OTHER_EXERCISE)]
    combos = [(e, i) for e in exercises for i in INDUSTRIES]
    other = None
    for n in range(count):
        if n % len(combos) == 0:
            other = people.learner(email=f"other{n}@example.org")
        ex, industry = combos[n % len(combos)]
        db.add(
            Submission(
                context_id=people.context.id,
                user_id=other.principal.user_id,
                exercise_id=ex,
                industry=industry,
                status=SubmissionStatus.SUBMITTED.value,
            )
        )
    db.commit()


@pytest.fixture
def busy(db: Session, people):
    """Nine submissions waiting and one tutor writing five feedbacks a week: the tenth in
    line is reached on the 10th working day, later than the target's 5."""
    waiting_submissions(db, people, 9)
    tutor = people.tutor(email="tina@example.org")
    capacity.state_capacity(db, tutor.principal.user_id, tutor.context_id, 5)
    db.commit()
    return tutor


def expected_day(working_days: int) -> str:
    day = clock.add_working_days(clock.local_date(clock.utcnow()), working_days)
    return clock.weekday_day_month(day)


def test_the_exercise_page_quotes_the_date_the_queue_allows(web, db, people, busy):
    page = web.get(
        people.holder.url(
            f"/c/{people.holder.context_id}/lessons/{LESSON}/exercises/{EXERCISE}?industry=media"
        )
    )
    panel = next(parse(page.text).find_all("section", id="kw-submission"))
    assert f"Feedback bis {expected_day(10)}" in panel.clean_text
    assert "Unser Ziel sind 5 Arbeitstage" in panel.clean_text


def test_the_lesson_end_form_quotes_it_in_the_persons_language(web, db, people, busy):
    english = people.learner(email="eve@example.org", locale="en")
    give_package(db, english)
    page = web.get(english.url(f"/c/{english.context_id}/lessons/{LESSON}"))
    panel = next(parse(page.text).find_all("section", id="kw-upload"))
    day = clock.add_working_days(clock.local_date(clock.utcnow()), 10)
    assert f"Feedback by {clock.weekday_day_month(day, 'en')}" in panel.clean_text


def test_the_upload_stores_the_date_with_its_reasons_and_records_the_promise(web, db, people, busy):
    response = upload_pdf(web, people.holder, exercise_id(db))
    assert response.status_code == 303
    submission = db.exec(
        select(Submission).where(Submission.user_id == people.holder.principal.user_id)
    ).one()
    promise = promise_of(db, submission.id)
    day = clock.add_working_days(clock.local_date(clock.utcnow()), 10)
    assert (promise.due_on, promise.first_due_on) == (day, day)
    assert (promise.target_days, promise.waiting, promise.weekly_capacity) == (5, 9, 5)
    assert promise.state == PromiseState.OPEN and promise.revision == 0
    [event] = events_of(db, promise.id)
    assert (event.kind, event.new_date, event.actor_user_id) == (
        PromiseEventKind.PROMISED,
        day,
        None,
    )


def test_receipt_list_and_page_show_the_stored_date_not_a_new_quote(web, db, people, busy):
    response = upload_pdf(web, people.holder, exercise_id(db))
    stored = expected_day(10)
    # The queue changes afterwards: the tutor now writes 100 a week (a new quote: target).
    capacity.state_capacity(db, busy.principal.user_id, busy.context_id, 100)
    db.commit()
    receipt = text_of(web.get(people.holder.url(receipt_path(response))).text)
    assert f"Feedback bis {stored}" in receipt
    listing = web.get(people.holder.url(f"/c/{people.holder.context_id}/submissions"))
    row = parse(listing.text).find("tbody").find("tr")
    assert stored in row.clean_text
    detail_path = receipt_path(response).rsplit("/versions/", 1)[0]
    assert f"Feedback bis {stored}" in text_of(web.get(people.holder.url(detail_path)).text)
    again = web.get(
        people.holder.url(
            f"/c/{people.holder.context_id}/lessons/{LESSON}/exercises/{EXERCISE}?industry=fmcg"
        )
    )
    assert f"Feedback bis {expected_day(5)}" in text_of(again.text)


def test_the_receipt_email_names_the_stored_date(web, db, people, busy, deliver, sink):
    upload_pdf(web, people.holder, exercise_id(db))
    deliver()
    (receipt,) = mails_to(sink, "lena@example.org")
    assert f"Feedback bis {expected_day(10)}\n" in text_part(receipt)


def test_a_new_version_supersedes_the_open_promise_of_the_one_before(web, db, people, busy):
    upload_pdf(web, people.holder, exercise_id(db))
    upload_pdf(web, people.holder, exercise_id(db))
    db.expire_all()
    promises = db.exec(select(FeedbackPromise).order_by(FeedbackPromise.id)).all()
    assert [p.state for p in promises] == [PromiseState.SUPERSEDED, PromiseState.OPEN]
    assert [e.kind for e in events_of(db, promises[0].id)] == [
        PromiseEventKind.PROMISED,
        PromiseEventKind.SUPERSEDED,
    ]
    # the second version's queue leaves its own submission out: still 9 ahead of it
    assert promises[1].waiting == 9


def test_a_new_version_is_quoted_the_date_it_will_be_promised(web, db, people, busy):
    """The learner's own waiting submission is not in line ahead of its next version: the
    form quotes what the upload then records (9 ahead: the 10th working day, not the
    11th), while another industry's new submission still counts it."""
    upload_pdf(web, people.holder, exercise_id(db))
    base = f"/c/{people.holder.context_id}/lessons/{LESSON}/exercises/{EXERCISE}"

    def quoted(industry: str) -> str:
        page = web.get(people.holder.url(f"{base}?industry={industry}"))
        return next(parse(page.text).find_all("section", id="kw-submission")).clean_text

    assert f"Feedback bis {expected_day(10)}" in quoted("media")
    assert f"Feedback bis {expected_day(11)}" in quoted("fmcg")
    upload_pdf(web, people.holder, exercise_id(db))
    db.expire_all()
    latest = db.exec(select(FeedbackPromise).order_by(FeedbackPromise.id.desc())).first()
    assert latest.due_on == clock.add_working_days(clock.local_date(clock.utcnow()), 10)
