"""The tutor's day (issue 13): the counts on the course home and above the queue - waiting,
overdue, claimed by me, questions to the course lead, reported posts, and how long the
oldest unclaimed submission waits (issue 15) - right per role and
per LMS course, a few queries however many rows, each linking to the list it counts; and
the queue's filters those links use (claim, overdue)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session, select

from course.forum.models import ForumPost, ForumReport, ForumThread
from course.models import Lesson
from course.questions.models import LecturerQuestion
from feedback import tutor_day
from feedback.queue_values import ClaimFilter, QueueFilters
from feedback.workdays import age_of, overdue_before
from kurswerk.core.auth import Role
from kurswerk.core.clock import utcnow
from lti.models import LmsContext
from tests.feedback.conftest import World
from tests.feedback.helpers import claim, path, text_of
from tests.support.people import Learner
from tests.support.statements import statements
from uploads.models import SubmissionStatus

LONG_AGO = timedelta(days=14)  # overdue with any target of up to 8 working days
_COUNT = re.compile(
    r'day-count__figure">(\d+)</span>\s*<span class="day-count__label">'
    r'(?:<span aria-hidden="true">⚠ </span>)?([^<]+)</span>'
)


def counts_in(html: str) -> dict[str, int]:
    """The tutor's day as shown: {words: figure}."""
    return {label.strip(): int(figure) for figure, label in _COUNT.findall(html)}


def _lesson_id(db: Session) -> int:
    lesson = db.exec(select(Lesson)).first()
    assert lesson is not None and lesson.id is not None
    return lesson.id


def ask(db: Session, learner: Learner, *, answered: bool = False) -> None:
    db.add(
        LecturerQuestion(
            context_id=learner.context_id,
            lesson_id=_lesson_id(db),
            asker_id=learner.principal.user_id,
            subject="Eine Frage",
            body="Wie ist das gemeint?",
            answer="So." if answered else None,
            answered_at=utcnow() if answered else None,
        )
    )
    db.commit()


def reported_post(db: Session, author: Learner, *reporters: Learner, resolved=False) -> None:
    thread = ForumThread(
        context_id=author.context_id, lesson_id=_lesson_id(db), author_id=author.principal.user_id
    )
    thread.title = "Ein Thema"
    db.add(thread)
    db.flush()
    post = ForumPost(thread_id=thread.id, author_id=author.principal.user_id, body="Unfug")
    db.add(post)
    db.flush()
    for reporter in reporters:
        db.add(
            ForumReport(
                post_id=post.id,
                context_id=author.context_id,
                reporter_id=reporter.principal.user_id,
                reason="unpassend",
                resolved_at=utcnow() if resolved else None,
                resolution="dismissed" if resolved else None,
            )
        )
    db.commit()


@pytest.fixture
def busy(web, world: World, make_submission, make_learner, db):
    """Work in two LMS courses. This one: two free submissions (one overdue), one overdue
    claimed by Tilda, one fresh claimed by Theo, one released long ago; two open questions
    and an answered one; one post reported by two learners, one report dealt with. The
    other course: one free overdue submission, one question, one report."""
    free_old = make_submission(world.learner, submitted_at=utcnow() - LONG_AGO)
    free_new = make_submission(world.learner2, submitted_at=utcnow() - timedelta(hours=1))
    tildas = make_submission(
        world.learner, industry="b2b", submitted_at=utcnow() - LONG_AGO - timedelta(days=1)
    )
    theos = make_submission(world.learner2, industry="b2b", submitted_at=utcnow())
    make_submission(
        world.learner,
        industry="fmcg",
        submitted_at=utcnow() - LONG_AGO,
        status=SubmissionStatus.FEEDBACK_RELEASED,
    )
    assert claim(web, world.tutor, tildas.id).status_code == 303
    assert claim(web, world.tutor2, theos.id).status_code == 303
    # older than anything here: the oldest waiting of this course must not be it
    make_submission(world.other_learner, submitted_at=utcnow() - LONG_AGO - timedelta(days=3))

    ask(db, world.learner)
    ask(db, world.learner2)
    ask(db, world.learner, answered=True)
    ask(db, world.other_learner)
    reported_post(db, world.learner, world.learner2, world.admin)
    reported_post(db, world.learner2, world.learner, resolved=True)
    other_reporter = make_learner(context=db.get(LmsContext, world.other_learner.context_id))
    reported_post(db, world.other_learner, other_reporter)
    return {"free_old": free_old, "free_new": free_new, "tildas": tildas, "theos": theos}


OLDEST = "Tage wartet die älteste noch freie Einreichung"

EXPECTED_TILDA = {
    "Einreichungen warten, von niemandem übernommen": 2,
    # free_old's 14 days: Tilda's claimed one (15 days) and the other course's (17) waits
    # for nobody here
    OLDEST: 14,
    "Einreichungen überfällig": 2,
    "Einreichung von Ihnen übernommen": 1,
    "Fragen an die Kursleitung ohne Antwort": 2,
    "gemeldeter Beitrag im Forum": 1,
}


def test_a_tutor_sees_the_day_of_their_course_on_the_course_home(web, world, busy):
    page = web.get(path(world.tutor, "/"))
    assert page.status_code == 200
    assert "Ihr Tag" in page.text
    assert counts_in(page.text) == EXPECTED_TILDA


def test_the_queue_shows_the_same_counts(web, world, busy):
    page = web.get(path(world.tutor, "/queue"))
    assert counts_in(page.text) == EXPECTED_TILDA


def test_claimed_by_me_is_each_tutors_own_and_an_admin_sees_the_course(web, world, busy):
    theo = counts_in(web.get(path(world.tutor2, "/")).text)
    assert theo["Einreichung von Ihnen übernommen"] == 1
    admin = counts_in(web.get(path(world.admin, "/")).text)
    expected = {**EXPECTED_TILDA, "Einreichungen von Ihnen übernommen": 0}
    del expected["Einreichung von Ihnen übernommen"]
    assert admin == expected


def test_another_courses_work_is_not_counted(web, world, busy):
    other = counts_in(web.get(path(world.other_tutor, "/")).text)
    assert other == {
        "Einreichung wartet, von niemandem übernommen": 1,
        OLDEST: 17,
        "Einreichung überfällig": 1,
        "Einreichungen von Ihnen übernommen": 0,
        "Frage an die Kursleitung ohne Antwort": 1,
        "gemeldeter Beitrag im Forum": 1,
    }


def test_a_learner_sees_no_panel(web, world, busy):
    page = web.get(path(world.learner, "/"))
    assert page.status_code == 200
    assert "Ihr Tag" not in page.text and "day-count" not in page.text


def test_overdue_is_marked_by_a_symbol_and_words_and_the_figures_by_their_words(web, world, busy):
    html = web.get(path(world.tutor, "/")).text
    assert re.search(r'day-count--alert">\s*<a[^>]*>\s*<span class="day-count__figure">2<', html)
    assert '<span aria-hidden="true">⚠ </span>Einreichungen überfällig' in html
    # Each count is one link: figure and words (the symbol is hidden from screen readers).
    assert "2 ⚠ Einreichungen überfällig" in text_of(web.get(path(world.tutor, "/")))


def test_each_count_links_to_the_list_it_counts(web, world, busy):
    html = web.get(path(world.tutor, "/")).text
    links = dict(
        (label.strip(), href.replace("&amp;", "&"))
        for href, label in re.findall(
            r'<a class="day-count__link" href="([^"]+)">.*?day-count__label">'
            r'(?:<span aria-hidden="true">⚠ </span>)?([^<]+)<',
            html,
            re.S,
        )
    )
    listed = {
        label: [int(i) for i in re.findall(r"/review/(\d+)\?", web.get(href).text)]
        for label, href in links.items()
        if "/queue" in href
    }
    assert listed == {
        "Einreichungen warten, von niemandem übernommen": [
            busy["free_old"].id,
            busy["free_new"].id,
        ],
        OLDEST: [busy["free_old"].id, busy["free_new"].id],
        "Einreichungen überfällig": [busy["tildas"].id, busy["free_old"].id],
        "Einreichung von Ihnen übernommen": [busy["tildas"].id],
    }
    assert "/questions" in links["Fragen an die Kursleitung ohne Antwort"]
    assert "/forum/reports" in links["gemeldeter Beitrag im Forum"]
    questions = web.get(links["Fragen an die Kursleitung ohne Antwort"])
    assert questions.status_code == 200 and questions.text.count("Eine Frage") == 2


def test_the_oldest_waiting_is_said_in_hours_within_its_first_day_and_absent_without_any(
    web, world, make_submission, db
):
    assert OLDEST not in counts_in(web.get(path(world.tutor, "/")).text)
    make_submission(world.learner, submitted_at=utcnow() - timedelta(hours=5, minutes=10))
    shown = counts_in(web.get(path(world.tutor, "/")).text)
    assert shown["Stunden wartet die älteste noch freie Einreichung"] == 5


def test_in_english_the_oldest_waiting_is_named_in_english(
    web, world, make_submission, make_learner
):
    make_submission(world.learner, submitted_at=utcnow() - timedelta(days=3, hours=2))
    tutor = make_learner(context=world.context, role=Role.TUTOR, locale="en")
    english = counts_in(web.get(path(tutor, "/")).text)
    label = "days the oldest unclaimed submission has waited"
    assert english.get(label) == 3, english


def test_the_counts_are_three_queries_however_many_submissions(world, make_submission, db, engine):
    """One query over the course's open submissions, one for questions, one for reports."""

    def queries() -> int:
        with statements(engine) as seen:
            tutor_day.tutor_day(db, world.tutor.principal, target_days=5, now=utcnow())
        return len(seen)

    make_submission(world.learner)
    few = queries()
    for industry in ("fmcg", "retail", "b2b"):
        make_submission(world.learner, industry=industry, submitted_at=utcnow() - LONG_AGO)
        make_submission(world.learner2, industry=industry)
    assert few == queries() == 3
    counts = tutor_day.tutor_day(db, world.tutor.principal, target_days=5, now=utcnow())
    assert (counts.waiting, counts.overdue, counts.mine) == (7, 3, 0)


@pytest.mark.parametrize(
    "query", ["claim=somebody", "overdue=yes", "overdue=0", "claim=mine&overdue=2"]
)
def test_a_bad_claim_or_overdue_filter_is_refused(web, world, query):
    page = web.get(path(world.tutor, f"/queue?{query}"))
    assert page.status_code == 400
    assert "Filter oder Seitenverweis ist ungültig" in text_of(page)


def test_the_claim_filter_lists_nobodys_or_mine(web, world, busy):
    theo = web.get(path(world.tutor2, "/queue?claim=mine")).text
    assert [int(i) for i in re.findall(r"/review/(\d+)\?", theo)] == [busy["theos"].id]
    both = web.get(path(world.tutor, "/queue?claim=free&overdue=1")).text
    assert [int(i) for i in re.findall(r"/review/(\d+)\?", both)] == [busy["free_old"].id]


def test_the_next_page_and_the_form_keep_the_claim_and_overdue_filters():
    filters = QueueFilters(claim=ClaimFilter.FREE, overdue=True)
    assert filters.query(after="1.2") == {"claim": "free", "overdue": "1", "after": "1.2"}


# --- the rule behind "overdue" ------------------------------------------------------------

NOWS = [
    datetime(2026, 11, 30, 0, 30, tzinfo=UTC),  # Monday, 01:30 in Berlin
    datetime(2026, 11, 27, 22, 59, tzinfo=UTC),  # Friday, 23:59 in Berlin
    datetime(2026, 11, 28, 12, 0, tzinfo=UTC),  # Saturday
    datetime(2026, 11, 29, 23, 30, tzinfo=UTC),  # Monday 00:30 in Berlin
    datetime(2026, 3, 30, 8, 0, tzinfo=UTC),  # the Monday after the clocks went forward
    datetime(2026, 12, 30, 11, 0, tzinfo=UTC),  # Wednesday between the holidays
]


@pytest.mark.parametrize("now", NOWS, ids=lambda n: n.isoformat())
@pytest.mark.parametrize("target_days", [0, 1, 3, 5, 8])
def test_overdue_before_is_the_queues_rule_for_every_submission_moment(now, target_days):
    """``submitted_at < overdue_before(now, n)`` exactly where a queue row says overdue."""
    cut = overdue_before(now, target_days)
    moment = now - timedelta(days=20)
    while moment <= now:
        assert (moment < cut) == age_of(moment, now, target_days).overdue, moment
        moment += timedelta(minutes=47)
    # the boundary itself, to the microsecond
    assert age_of(cut - timedelta(microseconds=1), now, target_days).overdue
    assert not age_of(cut, now, target_days).overdue
