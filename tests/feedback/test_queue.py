"""The tutor queue (coaching issue §3): what it lists, in which order, its filters, its
pages, its marks for overdue submissions, and that it is one query however long it is."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event
from sqlmodel import select

from course.models import CourseIndustry
from feedback import queue as feedback_queue
from feedback import queue_sql
from feedback.queue import Cursor, QueueFilters, StatusFilter, queue_page
from kurswerk.core.clock import utcnow
from lti.ags import AGS_SCOPES
from lti.models import ContextServices
from tests.feedback.conftest import exercise_id, resubmit
from tests.feedback.helpers import claim, path, text_of
from uploads.models import SubmissionStatus

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)  # a Friday


def rows_of(html: str) -> list[str]:
    return re.findall(r'<tr class="queue__row[^"]*">(.*?)</tr>', html, re.S)


def ids_in(html: str) -> list[int]:
    return [int(m) for m in re.findall(r"/review/(\d+)\?", html)]


def test_awaiting_submissions_oldest_first_released_ones_left_out(web, world, make_submission):
    new = make_submission(world.learner, submitted_at=utcnow() - timedelta(hours=1))
    old = make_submission(world.learner2, submitted_at=utcnow() - timedelta(days=3))
    make_submission(
        world.learner,
        industry="b2b",
        submitted_at=utcnow() - timedelta(days=9),
        status=SubmissionStatus.FEEDBACK_RELEASED,
    )
    page = web.get(path(world.tutor, "/queue"))
    assert page.status_code == 200
    assert ids_in(page.text) == [old.id, new.id]
    assert "Lars Lernender" in page.text and "Lena Lernende" in page.text


def test_a_resubmission_is_one_row_showing_its_latest_version(
    web, world, make_submission, db, storage
):
    submission = make_submission(world.learner, versions=1)
    resubmit(db, storage, submission)
    page = web.get(path(world.tutor, "/queue"))
    assert ids_in(page.text) == [submission.id]
    (row,) = rows_of(page.text)
    assert re.search(r"Fassung\s+2", row)


def test_overdue_submissions_are_marked_in_words_not_colour_alone(web, world, make_submission):
    make_submission(world.learner, submitted_at=utcnow() - timedelta(days=14))
    make_submission(world.learner2, submitted_at=utcnow() - timedelta(minutes=5))
    page = web.get(path(world.tutor, "/queue"))
    late, fresh = rows_of(page.text)
    assert "Überfällig" in late and "queue__row--overdue" in page.text
    assert "Überfällig" not in fresh
    assert re.search(r"noch \d Arbeitstage|noch 1 Arbeitstag|letzter Tag", fresh)
    assert "davon 1 überfällig" in text_of(page)


def test_the_target_comes_from_the_setting(world, make_submission, db, settings):
    make_submission(world.learner, submitted_at=NOW - timedelta(days=4))  # Monday
    filters = QueueFilters()
    context, user = world.learner.context_id, world.tutor.principal.user_id
    five = queue_page(db, context_id=context, user_id=user, filters=filters, target_days=5, now=NOW)
    three = queue_page(
        db, context_id=context, user_id=user, filters=filters, target_days=3, now=NOW
    )
    assert not five.rows[0].age.overdue and five.rows[0].age.days_left == 1
    assert three.rows[0].age.overdue
    assert settings.feedback_target_days == 5


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", {"a", "b", "c"}),
        ("&industry=retail", {"b"}),
        ("&exercise={art}", {"c"}),
        ("&lesson=kundenbeziehungen", {"a", "b", "c"}),
        ("&lesson=gibt-es-nicht", set()),
        ("&status=in_review", {"a"}),
        ("&status=submitted", {"b", "c"}),
        ("&status=feedback_released", {"d"}),
        ("&status=all", {"a", "b", "c", "d"}),
        ("&status=open&industry=media&exercise={leistungen}", {"a"}),
    ],
)
@pytest.mark.parametrize("branches", [120, 1], ids=["ranges", "fallback"])
def test_filters_by_lesson_exercise_industry_and_status(
    web, world, make_submission, db, query, expected, branches, monkeypatch
):
    monkeypatch.setattr(queue_sql, "MAX_BRANCHES", branches)

    made = {
        "a": make_submission(world.learner, industry="media", status=SubmissionStatus.IN_REVIEW),
        "b": make_submission(world.learner, industry="retail"),
        "c": make_submission(world.learner, exercise="art-der-kundenbeziehung"),
        "d": make_submission(
            world.learner2, industry="b2b", status=SubmissionStatus.FEEDBACK_RELEASED
        ),
    }
    query = query.format(
        art=exercise_id(db, "art-der-kundenbeziehung"),
        leistungen=exercise_id(db, "leistungen-pruefen"),
    )
    page = web.get(path(world.tutor, "/queue") + query)
    assert page.status_code == 200
    by_id = {s.id: name for name, s in made.items()}
    assert {by_id[i] for i in ids_in(page.text)} == expected
    if not expected:
        assert "Keine Einreichungen für diese Auswahl." in page.text


def industry_options(html: str) -> list[tuple[str, str]]:
    select = html.split('id="kw-f-industry"', 1)[1].split("</select>", 1)[0]
    return re.findall(r'<option value="([^"]+)"[^>]*>([^<]*)</option>', select)


def test_the_industry_filter_offers_the_courses_own_industries(web, world, make_submission, db):
    """The choices and names come from the course (its ``course.yaml``, as loaded): a
    renamed industry shows its new name; one that left the course is no choice any more,
    but a submission made in it keeps its name and can still be found."""
    before = make_submission(world.learner, industry="b2b")
    rows = {row.slug: row for row in db.exec(select(CourseIndustry)).all()}
    rows["media"].names = {"de": "Verlage und Sender", "en": "Publishers"}
    rows["b2b"].archived_at = utcnow()
    db.commit()

    page = web.get(path(world.tutor, "/queue") + "&status=all")
    assert industry_options(page.text) == [
        ("media", "Verlage und Sender"),
        ("fmcg", "FMCG (Markenunternehmen)"),
        ("retail", "Handel (Filialisten)"),
    ]
    assert ids_in(page.text) == [before.id]
    assert "<td>B2B</td>" in page.text
    filtered = web.get(path(world.tutor, "/queue") + "&status=all&industry=b2b")
    assert filtered.status_code == 200 and ids_in(filtered.text) == [before.id]
    assert web.get(path(world.tutor, "/queue") + "&industry=gesundheit").status_code == 400


def test_the_filter_form_keeps_the_chosen_values(web, world, make_submission):
    make_submission(world.learner)
    page = web.get(path(world.tutor, "/queue") + "&status=all&industry=fmcg")
    assert '<option value="all" selected>' in page.text
    assert '<option value="fmcg" selected>' in page.text


@pytest.mark.parametrize(
    "query",
    [
        "&status=kaputt",
        "&industry=space",
        "&exercise=abc",
        "&exercise=99999999999999999999",
        "&after=nonsense",
        "&after=1.99999999999999999999",
        "&after=" + "9" * 30 + ".1",
    ],
)
def test_malformed_filters_get_a_german_message_not_an_error(web, world, make_submission, query):
    make_submission(world.learner)
    page = web.get(path(world.tutor, "/queue") + query)
    assert page.status_code == 400
    assert "Filter oder Seitenverweis ist ungültig" in page.text


@pytest.mark.parametrize(
    ("industry", "branches"),
    [(None, 120), ("media", 120), ("media", 1)],
    ids=["unfiltered", "filtered-ranges", "filtered-fallback"],
)
def test_keyset_pages_cover_everything_once_even_with_equal_times(
    world, make_submission, db, industry, branches, monkeypatch
):
    monkeypatch.setattr(queue_sql, "MAX_BRANCHES", branches)
    same = utcnow() - timedelta(days=2)
    made = []
    for exercise in ("leistungen-pruefen", "art-der-kundenbeziehung"):
        made += [
            make_submission(world.learner, exercise=exercise, industry=i, submitted_at=same)
            for i in ("media", "fmcg")
        ]
        made += [
            make_submission(
                world.learner2,
                exercise=exercise,
                industry=i,
                submitted_at=same - timedelta(hours=n),
            )
            for n, i in enumerate(("media", "fmcg", "retail"), start=1)
        ]
    if industry is not None:
        made = [s for s in made if s.industry == industry]
    seen: list[int] = []
    filters = QueueFilters(industry=industry)
    for _ in range(10):
        page = queue_page(
            db,
            context_id=world.learner.context_id,
            user_id=world.tutor.principal.user_id,
            filters=filters,
            target_days=5,
            now=utcnow(),
            page_size=2,
        )
        seen += [row.submission_id for row in page.rows]
        if page.next_cursor is None:
            break
        filters = QueueFilters(industry=industry, after=page.next_cursor)
    expected = sorted(made, key=lambda s: (s.submitted_at, s.id))
    assert seen == [s.id for s in expected]


def test_the_next_page_link_continues_where_the_page_ended(
    web, world, make_submission, monkeypatch
):
    monkeypatch.setattr(feedback_queue, "PAGE_SIZE", 2)
    made = [
        make_submission(world.learner, industry=i, submitted_at=utcnow() - timedelta(days=n))
        for n, i in enumerate(("media", "fmcg", "retail"), start=1)
    ]
    first = web.get(path(world.tutor, "/queue") + "&industry=")
    assert ids_in(first.text) == [made[2].id, made[1].id]
    href = re.search(r'href="([^"]+)" rel="next"', first.text).group(1).replace("&amp;", "&")
    second = web.get(href)
    assert ids_in(second.text) == [made[0].id]
    assert 'rel="next"' not in second.text
    assert "Zur ersten Seite" in second.text


def test_cursor_round_trip():
    cursor = Cursor(datetime(2026, 11, 22, 13, 5, 7, 123456, tzinfo=UTC), 42)
    assert Cursor.decode(cursor.encode()) == cursor
    # SQLite hands back naive UTC times: same cursor.
    assert Cursor(cursor.submitted_at.replace(tzinfo=None), 42).encode() == cursor.encode()


def test_claims_show_who_works_on_what(web, world, make_submission):
    mine = make_submission(world.learner, submitted_at=utcnow() - timedelta(days=2))
    theirs = make_submission(world.learner2, submitted_at=utcnow() - timedelta(days=1))
    assert claim(web, world.tutor, mine.id).status_code == 303
    assert claim(web, world.tutor2, theirs.id).status_code == 303
    page = web.get(path(world.tutor, "/queue"))
    first, second = rows_of(page.text)
    assert "von Ihnen" in first and "In Bearbeitung" in first
    assert "von Theo Tutor" in second


def test_the_list_is_one_query_however_many_rows(web, world, make_submission, app):
    """No query per row: the statements for 2 and for 12 rows are the same in number."""
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    def page_statements() -> int:
        statements.clear()
        event.listen(app.state.engine, "before_cursor_execute", count)
        try:
            assert web.get(path(world.tutor, "/queue") + "&status=all").status_code == 200
        finally:
            event.remove(app.state.engine, "before_cursor_execute", count)
        return len(statements)

    for industry in ("media", "fmcg"):
        make_submission(world.learner, industry=industry)
    page_statements()  # the first visit binds the LMS course to the course content
    few = page_statements()
    for exercise in ("leistungen-pruefen", "art-der-kundenbeziehung"):
        for industry in ("media", "fmcg", "retail", "b2b"):
            if exercise == "leistungen-pruefen" and industry in ("media", "fmcg"):
                continue
            make_submission(world.learner, exercise=exercise, industry=industry)
        make_submission(world.learner2, exercise=exercise)
    many = page_statements()
    # the session's logout check, the filter choices (lessons and exercises; the course's
    # industries), the page, the LMS course's services, the tutor's day (submissions,
    # questions, reports: feedback.tutor_day) and the open follow-up questions
    # (feedback.dialogue.inbox)
    assert few == many == 9
    assert len(ids_in(web.get(path(world.tutor, "/queue") + "&status=all").text)) == 10


def test_learners_may_not_see_the_queue(web, world, make_submission):
    make_submission(world.learner)
    page = web.get(path(world.learner, "/queue"))
    assert page.status_code == 403
    assert "Lena" not in page.text.split('<main id="main"', 1)[1]  # the header names her


def test_a_tutor_sees_only_the_queue_of_their_own_course(web, world, make_submission):
    submission = make_submission(world.learner)
    own = web.get(path(world.other_tutor, "/queue"))
    assert own.status_code == 200 and submission.id not in ids_in(own.text)
    foreign = web.get(world.other_tutor.url(f"/c/{world.learner.context_id}/queue"))
    assert foreign.status_code == 403


def test_status_filter_values_are_the_documented_ones():
    assert [s.value for s in StatusFilter] == [
        "open",
        "submitted",
        "in_review",
        "feedback_released",
        "unread",
        "all",
    ]


def test_tutors_are_told_when_feedback_will_not_reach_the_lms_gradebook(web, world, db):
    """The course's launches carry no grade service (no AGS claim): the queue says so."""
    page = web.get(path(world.tutor, "/queue"))
    assert page.status_code == 200
    assert "Hinweis zur Bewertungsübersicht des LMS" in page.text
    assert "bieten keinen Bewertungsdienst an (kein AGS)" in page.text


def test_no_gradebook_note_where_grades_reach_the_lms(web, world, db):
    db.add(
        ContextServices(
            context_id=world.context.id,
            lineitems_url="https://lms.example/api/lineitems",
            ags_scopes=" ".join(AGS_SCOPES),
        )
    )
    db.commit()
    page = web.get(path(world.tutor, "/queue"))
    assert page.status_code == 200
    assert "Hinweis zur Bewertungsübersicht des LMS" not in page.text
