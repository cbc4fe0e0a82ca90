"""The admins' report (issue 14, "Admins see the promise kept"): on-time rate, turnaround
median and 90th percentile in working days, open promises at risk, per LMS course, tutor
and month, on a small dataset whose figures are known; the page with its charts and
tables, the CSV, who may read them; and the outcome recorded by a release."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

import pytest
from sqlmodel import select

from feedback.promises.change import announce_new_date
from feedback.promises.models import (
    PromiseEventKind,
    PromiseState,
    PromiseTally,
    promise_month_tally,
)
from feedback.promises.outcome import settle
from feedback.promises.report import build_report
from kurswerk.core.auth import Role
from kurswerk.core.clock import local_date, utcnow
from kurswerk.core.email_links import EmailLinks
from lti.models import PlatformUser
from tests.feedback.helpers import path, write_and_release
from tests.feedback.promises.conftest import MONDAY, events_of, promise_of

NOW = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)


def at(day: int, month: int = 11, hour: int = 10) -> datetime:
    return datetime(2026, month, day, hour, 0, tzinfo=UTC)


@pytest.fixture
def dataset(db, world, make_submission, promise, settings):
    """Five promises made Monday 23 November (due Monday 30 November, Berlin) in the
    world's course, and one in another LMS course on another platform:

    ========  =================  =======  ===========  =========
    promise   released           by       turnaround   outcome
    ========  =================  =======  ===========  =========
    a         Wed 25 Nov         Tilda    2            kept
    b         Mon 30 Nov 21:00   Tilda    5            kept (its date moved to Fri 4 Dec)
    c         Wed  2 Dec         Theo     7            missed
    d         -                  -        -            open, ended: at risk and overdue
    e         - (made 3 Dec)     -        -            open, due 10 Dec: not at risk
    ========  =================  =======  ===========  =========
    """
    made = {}
    for name, learner, exercise, industry in (
        ("a", world.learner, "leistungen-pruefen", "media"),
        ("b", world.learner, "leistungen-pruefen", "fmcg"),
        ("c", world.learner2, "leistungen-pruefen", "media"),
        ("d", world.learner2, "leistungen-pruefen", "fmcg"),
        ("e", world.learner2, "art-der-kundenbeziehung", "media"),
        ("x", world.other_learner, "leistungen-pruefen", "media"),
    ):
        submission = make_submission(learner, exercise=exercise, industry=industry)
        made[name] = (submission, promise(submission, NOW if name == "e" else MONDAY))
    announce_new_date(
        db, world.tutor.principal, made["b"][0].id, new_date="04.12.2026", reason="Krank.",
        seen_revision=0, links=EmailLinks(settings), now=at(27),
    )  # fmt: skip
    for name, released, tutor in (
        ("a", at(25), world.tutor),
        ("b", at(30, hour=20), world.tutor),
        ("c", at(2, 12), world.tutor2),
        ("x", at(25), world.other_tutor),
    ):
        settle(
            db,
            submission_version_id=made[name][1].submission_version_id,
            released_at=released,
            tutor_user_id=tutor.principal.user_id,
        )
    db.commit()
    return made


def report_now(db, world, course_id=None):
    return build_report(
        db,
        platform_id=world.context.platform_id,
        course_id=course_id,
        now=NOW,
        warning_hours=24,
    )


def test_the_figures_of_a_known_dataset(db, world, dataset):
    report = report_now(db, world)
    total = report.total
    assert (total.settled, total.kept, total.missed, total.moved) == (3, 2, 1, 1)
    assert total.on_time_rate == pytest.approx(2 / 3)
    assert (total.median, total.p90) == (5.0, 7)
    assert (total.open, total.at_risk, total.overdue) == (2, 1, 1)
    [course] = report.by_course  # the other platform's course is not in it
    assert course.key == str(world.context.id)
    assert (course.settled, course.open, course.at_risk, course.overdue) == (3, 2, 1, 1)
    tutors = {f.label: f for f in report.by_tutor}
    assert set(tutors) == {"Tilda Tutorin", "Theo Tutor"}
    tilda, theo = tutors["Tilda Tutorin"], tutors["Theo Tutor"]
    assert (tilda.kept, tilda.missed, tilda.on_time_rate) == (2, 0, 1.0)
    assert (tilda.median, tilda.p90) == (3.5, 5)  # (2 + 5) / 2; ceil(0.9 * 2) = 2nd
    assert (theo.kept, theo.missed, theo.on_time_rate, theo.median) == (0, 1, 0.0, 7.0)
    months = {f.key: f for f in report.by_month}
    assert len(report.by_month) == 12 and report.by_month[-1].key == "2026-12-01"
    assert report.since == date(2026, 1, 1)
    assert (months["2026-11-01"].kept, months["2026-11-01"].missed) == (2, 0)
    assert (months["2026-12-01"].kept, months["2026-12-01"].missed) == (0, 1)
    assert months["2026-10-01"].settled == 0 and months["2026-10-01"].median is None
    [risk] = report.at_risk
    assert risk.submission_id == dataset["d"][0].id and risk.overdue
    assert risk.learner_name == "Lars Lernender" and risk.due_on == date(2026, 11, 30)


def test_a_release_records_the_outcome_once(web, db, world, make_submission, promise):
    submission = make_submission(world.learner)
    made = promise(submission, datetime.now(UTC))
    write_and_release(web, world.tutor, submission.id, "Gut gemacht.")
    settled = promise_of(db, submission.id)
    assert settled.state == PromiseState.KEPT
    assert (settled.released_by_user_id, settled.turnaround_days) == (
        world.tutor.principal.user_id,
        0,
    )
    outcome = [e for e in events_of(db, made.id) if e.kind == PromiseEventKind.KEPT]
    assert [e.actor_user_id for e in outcome] == [world.tutor.principal.user_id]
    assert (
        settle(
            db,
            submission_version_id=made.submission_version_id,
            released_at=datetime.now(UTC),
            tutor_user_id=world.tutor.principal.user_id,
        )
        is None
    )  # settled already: nothing counted twice
    [tally] = db.exec(select(PromiseTally)).all()
    assert (tally.kept, tally.missed, tally.turnaround_days) == (1, 0, 0)


def test_the_page_shows_charts_with_their_tables(web, db, world, dataset):
    page = web.get(path(world.admin, "/admin/promises"))
    assert page.status_code == 200
    html = page.text
    assert html.count('<figure class="chart"') == 11  # 5 of promises, 6 after the feedback
    # Drawn: month rate, month turnaround, course x2, tutor, and the questions per month
    # and course (none: 0); read and rated ones have nothing to show (no feedback rows).
    assert html.count('role="img"') == 7
    assert html.count("<svg") == 7 and html.count("<table") == 6  # 2 + 2 + 1, at risk
    assert '<title id="kw-chart-month-rate-title">Pünktlichkeit je Monat</title>' in html
    assert "Theo Tutor" in html and "Tilda Tutorin" in html
    assert "Lars Lernender" in html  # at risk


def test_the_csv_holds_every_group(web, db, world, dataset):
    response = web.get(path(world.admin, "/admin/promises.csv"))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    by = {(r["dimension"], r["name"]): r for r in rows}
    theo = by[("tutor", "Theo Tutor")]
    assert (theo["settled"], theo["kept"], theo["on_time_rate"]) == ("1", "0", "0.0")
    total = by[("total", "")]
    assert (total["on_time_rate"], total["turnaround_median"], total["turnaround_p90"]) == (
        "66.7",
        "5",
        "7",
    )
    assert (total["open_now"], total["at_risk_now"], total["overdue_now"]) == ("2", "1", "1")
    assert by[("month", "2026-11-01")]["kept"] == "2"
    assert len([r for r in rows if r["dimension"] == "month"]) == 12


def test_a_spreadsheet_formula_in_a_name_is_written_as_text(web, db, world, dataset):
    theo = db.get(PlatformUser, world.tutor2.principal.user_id)
    theo.name = "=HYPERLINK(1)"
    db.add(theo)
    db.commit()
    response = web.get(path(world.admin, "/admin/promises.csv"))
    assert "'=HYPERLINK(1)" in response.text


def test_one_lms_course_can_be_chosen_but_not_another_platforms(web, world, dataset):
    own = web.get(path(world.admin, f"/admin/promises?course={world.context.id}"))
    assert own.status_code == 200
    other = web.get(path(world.admin, f"/admin/promises?course={world.other_learner.context_id}"))
    assert other.status_code == 400
    assert web.get(path(world.admin, "/admin/promises?course=abc")).status_code == 400


@pytest.mark.parametrize("who", ["tutor", "learner"])
def test_only_admins_read_the_report(web, world, dataset, who):
    person = getattr(world, who)
    assert web.get(path(person, "/admin/promises")).status_code == 403
    assert web.get(path(person, "/admin/promises.csv")).status_code == 403


def test_the_page_shows_the_ten_tutors_with_the_most_feedback_and_the_csv_all(
    web, db, world, make_learner
):
    month = local_date(utcnow()).replace(day=1)
    for n in range(12):
        tutor = make_learner(context=world.context, role=Role.TUTOR, name=f"Tutor {n:02d}")
        db.connection().execute(
            promise_month_tally.insert().values(
                context_id=world.context.id, tutor_user_id=tutor.principal.user_id,
                month=month, kept=n + 1, days_3=n + 1,
            )
        )  # fmt: skip
    db.commit()
    html = web.get(path(world.admin, "/admin/promises")).text
    shown = [f"Tutor {n:02d}" for n in range(12) if f"Tutor {n:02d}" in html]
    assert shown == [f"Tutor {n:02d}" for n in range(2, 12)]
    assert html.index("Tutor 11") < html.index("Tutor 10")  # the most feedback first
    assert "Alle Tutor:innen mit allen Zahlen enthält die CSV-Datei." in html
    rows = list(csv.DictReader(io.StringIO(web.get(path(world.admin, "/admin/promises.csv")).text)))
    assert len([r for r in rows if r["dimension"] == "tutor"]) == 12
