# ruff: noqa: F811 - fixtures are imported by name and then requested as arguments
"""The admins' report shows what happened after the feedback (issue 14, "Admins see the
promise kept"): read rate, follow-up questions and ratings per LMS course, tutor and
month - in its summary, as charts with their tables, in both languages, and in the CSV
- read from the dialogue's tally; and it links the ratings per tutor and exercise."""

from __future__ import annotations

import csv
import io

import pytest

from feedback.dialogue import followups, ratings, receipts
from feedback.dialogue.models import ReadVia
from feedback.promises.report import build_report
from kurswerk.core.clock import utcnow
from kurswerk.core.email_links import EmailLinks
from kurswerk.core.settings import Settings
from tests.feedback.dialogue.conftest import release_feedback  # noqa: F401 - fixture
from tests.feedback.helpers import path

LINKS = EmailLinks(Settings(base_url="https://kurswerk.test"))


@pytest.fixture
def after(db, world, release_feedback):
    """Tilda's feedback for Lars: read, asked about and answered, rated 5. Theo's for
    Lea: not read, asked about (open), rated 2 and then 4. Olga's, on another platform:
    read, rated 1 (in no report of this platform)."""
    tilda = release_feedback(world.learner, industry="retail")  # beside the promises' dataset
    theo = release_feedback(world.learner2, tutor=world.tutor2, industry="retail")
    olga = release_feedback(world.other_learner, tutor=world.other_tutor, industry="retail")
    for person, item in ((world.learner, tilda), (world.other_learner, olga)):
        receipts.record_reads(db, person.principal, item.sid, via=ReadVia.TOOL)
    for person, item in ((world.learner, tilda), (world.learner2, theo)):
        followups.ask(
            db, person.principal, item.fid, "Warum?", followup_days=14, answer_days=2,
            links=LINKS,
        )  # fmt: skip
    followups.answer(db, world.tutor.principal, tilda.fid, "Darum.", links=LINKS)
    for person, item, score in (
        (world.learner, tilda, "5"),
        (world.learner2, theo, "2"),
        (world.learner2, theo, "4"),
        (world.other_learner, olga, "1"),
    ):
        ratings.rate(db, person.principal, item.fid, score=score, comment="")
    db.commit()


def test_each_group_carries_read_rate_questions_and_ratings(db, world, after):
    report = build_report(
        db, platform_id=world.context.platform_id, course_id=None, now=utcnow(), warning_hours=24
    )
    total = report.total.extra
    assert (total["released_feedback"], total["read"], total["read_rate"]) == (2, 1, 0.5)
    assert (total["questions"], total["questions_answered"], total["questions_open"]) == (2, 1, 1)
    assert total["answers_on_time_rate"] == 1.0
    assert (total["ratings"], total["rating_average"], total["helpful_rate"]) == (2, 4.5, 1.0)
    # Tutors whose feedback had no promise are in the report by what followed it.
    tutors = {f.label: f.extra for f in report.by_tutor}
    assert set(tutors) == {"Tilda Tutorin", "Theo Tutor"}
    assert (tutors["Tilda Tutorin"]["read_rate"], tutors["Theo Tutor"]["read_rate"]) == (1.0, 0.0)
    assert tutors["Theo Tutor"]["rating_average"] == 4.0  # the changed rating, once
    [course] = report.by_course
    assert course.extra["released_feedback"] == 2 and course.settled == 0
    this_month = report.by_month[-1].extra
    assert (this_month["released_feedback"], this_month["questions"]) == (2, 2)
    assert report.by_month[0].extra["read_rate"] is None  # nothing released then


def test_the_page_shows_them_as_charts_with_tables(web, world, after):
    html = web.get(path(world.admin, "/admin/promises")).text
    for caption in (
        "Gelesen je Monat",
        "Rückfragen je LMS-Kurs",
        "Als hilfreich bewertet je LMS-Kurs",
    ):
        assert f">{caption}</title>" in html
    assert html.count('<figure class="chart"') == 11
    assert html.count('role="img"') == 7  # nothing settled: on time and turnaround are empty
    for caption in (
        "Nach dem Feedback je Monat",
        "Die zehn Tutor:innen mit den meisten freigegebenen Feedbacks",
    ):
        assert f">{caption}</caption>" in html
    assert "50\u00a0% (1 von 2 freigegebenen Feedbacks)" in html
    assert "im Mittel 4,5 von 5; 100\u00a0% hilfreich oder sehr hilfreich" in html
    assert f'href="/c/{world.admin.context_id}/dialogue/ratings' in html


def test_in_english(web, world, after, make_learner):
    eve = make_learner(
        context=world.context, role=world.admin.principal.role, locale="en", name="Eve Admin"
    )
    html = web.get(path(eve, "/admin/promises")).text
    assert ">Read rate by month</title>" in html
    assert ">The ten tutors with the most released feedback</caption>" in html
    assert "4.5 out of 5 on average; 100% helpful or very helpful" in html


def test_the_csv_holds_them_for_every_group(web, world, after):
    rows = list(csv.DictReader(io.StringIO(web.get(path(world.admin, "/admin/promises.csv")).text)))
    by = {(r["dimension"], r["name"]): r for r in rows}
    total = by[("total", "")]
    assert (total["released_feedback"], total["read"], total["read_rate"]) == ("2", "1", "50.0")
    assert (total["questions"], total["questions_answered"], total["questions_open"]) == (
        "2",
        "1",
        "1",
    )
    assert (total["ratings"], total["rating_average"], total["helpful_rate"]) == (
        "2",
        "4.50",
        "100.0",
    )
    theo = by[("tutor", "Theo Tutor")]
    assert (theo["read_rate"], theo["rating_average"], theo["settled"]) == ("0.0", "4.00", "0")
    empty_month = next(r for r in rows if r["dimension"] == "month")
    assert (empty_month["read_rate"], empty_month["released_feedback"]) == ("", "0")


def test_the_ratings_per_exercise_are_the_admins(web, world, after):
    page = web.get(path(world.admin, "/dialogue/ratings"))
    assert page.status_code == 200
    assert "Je Übung" in page.text and "Theo Tutor" in page.text
    assert web.get(path(world.tutor, "/dialogue/ratings")).status_code == 403
