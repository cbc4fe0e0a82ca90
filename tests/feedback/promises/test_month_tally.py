"""The promise month tally (``feedback_promise_month_tally``) that the admins' report sums
per LMS course, tutor and month: after a mix of releases - kept and missed, one with a
new date, two tutors, two LMS courses, releases in three months (one at the month's edge
in the course's time zone, with a turnaround longer than the tally's day columns) and a
repeated release - its rows equal the direct grouped counts over the promises; the
report's figures equal the ones from the per-turnaround tally (the way the report read
them before), and so does its CSV, byte for byte; two releases at once lose no count."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import UTC, date, datetime

import pytest
from sqlmodel import select

from feedback.promises import export, report
from feedback.promises.change import announce_new_date
from feedback.promises.models import (
    DAY_COLUMNS,
    MAX_TALLIED_DAYS,
    FeedbackPromise,
    day_column,
    promise_month_tally,
)
from feedback.promises.outcome import settle
from kurswerk.core.clock import local_date
from kurswerk.core.db import new_session
from kurswerk.core.email_links import EmailLinks

NOW = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)
SEPTEMBER = datetime(2026, 9, 1, 8, 0, tzinfo=UTC)  # Tuesday
EDGE = datetime(2026, 10, 31, 23, 30, tzinfo=UTC)  # 1 November, 00:30 in Berlin


def at(month: int, day: int, hour: int = 10) -> datetime:
    return datetime(2026, month, day, hour, 0, tzinfo=UTC)


@pytest.fixture
def released(db, world, make_submission, promise, settings):
    """Eight promises, seven released (one twice), one left open."""
    plan = [  # learner, exercise, industry, made, released, tutor
        (world.learner, "leistungen-pruefen", "media", SEPTEMBER, EDGE, world.tutor),
        (world.learner, "leistungen-pruefen", "fmcg", at(10, 5), at(10, 9), world.tutor),
        (world.learner, "leistungen-pruefen", "retail", at(10, 5), at(10, 21), world.tutor2),
        (world.learner2, "leistungen-pruefen", "media", at(11, 23), at(11, 25), world.tutor),
        (world.learner2, "leistungen-pruefen", "fmcg", at(11, 23), at(12, 2), world.tutor2),
        (world.learner2, "leistungen-pruefen", "retail", at(11, 23), at(11, 24), world.tutor2),
        (world.other_learner, "leistungen-pruefen", "media", at(11, 2), at(11, 4), None),
        (world.learner2, "art-der-kundenbeziehung", "media", at(12, 1), None, None),
    ]
    made = []
    for learner, exercise, industry, when, _, _ in plan:
        submission = make_submission(learner, exercise=exercise, industry=industry)
        made.append(promise(submission, when))
    announce_new_date(
        db, world.tutor2.principal, made[4].submission_id, new_date="04.12.2026",
        reason="Krank.", seen_revision=0, links=EmailLinks(settings), now=at(11, 27),
    )  # fmt: skip
    for item, (_, _, _, _, released_at, tutor) in zip(made, plan, strict=True):
        if released_at is None:
            continue
        tutor = tutor or world.other_tutor
        for _ in range(2 if item is made[1] else 1):  # a repeated release counts once
            settle(
                db,
                submission_version_id=item.submission_version_id,
                released_at=released_at,
                tutor_user_id=tutor.principal.user_id,
            )
    db.commit()
    return made


def _direct(db) -> dict[tuple[int, int, date], Counter[str]]:
    """The settled promises counted from their own rows."""
    found: dict[tuple[int, int, date], Counter[str]] = {}
    for p in db.exec(select(FeedbackPromise).where(FeedbackPromise.settled_at.is_not(None))):
        if p.state not in ("kept", "missed"):
            continue
        key = (p.context_id, p.released_by_user_id, local_date(p.settled_at).replace(day=1))
        counts = found.setdefault(key, Counter())
        counts[p.state] += 1
        counts["moved"] += int(p.revision > 0)
        counts[day_column(p.turnaround_days)] += 1
    return found


def _tallied(db) -> dict[tuple[int, int, date], Counter[str]]:
    db.expire_all()
    rows = db.connection().execute(select(promise_month_tally)).mappings().all()
    names = ("kept", "missed", "moved", *DAY_COLUMNS, "days_over")
    return {
        (r["context_id"], r["tutor_user_id"], r["month"]): Counter(
            {name: r[name] for name in names if r[name]}
        )
        for r in rows
    }


def test_the_month_tally_holds_the_counts_of_the_rows(db, world, released):
    tallied = _tallied(db)
    assert tallied == _direct(db)
    edge = (world.context.id, world.tutor.principal.user_id, date(2026, 11, 1))
    assert tallied[edge]["days_over"] == 1  # 43 working days: beyond the columns
    assert sum(c["kept"] + c["missed"] for c in tallied.values()) == 7


def _report(db, world, course_id=None):
    return report.build_report(
        db, platform_id=world.context.platform_id, course_id=course_id, now=NOW,
        warning_hours=24,
    )  # fmt: skip


def _by_turnaround_tally(session, grain, chosen, since):
    """The settled figures as the report read them before the month tally: grouped from
    ``feedback_promise_tally`` (counts per turnaround)."""
    column = report._t.c[report._GRAINS[grain]]
    scope = report._t.c.context_id.in_(chosen)
    return report._histograms(report._tally(session, column, scope, since))


@pytest.mark.parametrize("one_course", [False, True])
def test_the_report_and_its_csv_equal_the_per_turnaround_tallys(
    db, world, released, monkeypatch, one_course
):
    course = world.context.id if one_course else None
    summed = _report(db, world, course)
    with monkeypatch.context() as patch:
        patch.setattr(report, "_grouped", _by_turnaround_tally)
        before = _report(db, world, course)
    assert summed == before
    assert export.report_csv(summed) == export.report_csv(before)
    tilda = next(f for f in summed.by_tutor if f.key == str(world.tutor.principal.user_id))
    assert (tilda.settled, tilda.p90) == (3, 43)  # the long one (43 working days), exact


def test_without_a_long_turnaround_the_columns_alone_give_the_percentiles(
    db, world, released, monkeypatch
):
    db.connection().execute(
        promise_month_tally.update().values(days_over=0, days_20=promise_month_tally.c.kept)
        .where(promise_month_tally.c.days_over > 0)
    )  # fmt: skip
    with monkeypatch.context() as patch:
        patch.setattr(report, "_tally", None)  # never read
        tilda = next(
            f for f in _report(db, world).by_tutor if f.key == str(world.tutor.principal.user_id)
        )
    assert tilda.p90 == MAX_TALLIED_DAYS


def test_two_releases_at_once_lose_no_count(db, world, make_submission, promise, engine):
    items = [
        promise(make_submission(world.learner, industry=industry), at(11, 23))
        for industry in ("media", "fmcg", "retail")
    ]
    start, errors = threading.Barrier(len(items), timeout=20), []

    def release(item):
        try:
            with new_session(engine) as session:
                start.wait()
                settle(
                    session, submission_version_id=item.submission_version_id,
                    released_at=at(11, 25), tutor_user_id=world.tutor.principal.user_id,
                )  # fmt: skip
                session.commit()
        except Exception as exc:  # noqa: BLE001 - reported by the test
            errors.append(exc)

    threads = [threading.Thread(target=release, args=(item,)) for item in items]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    [(key, counts)] = _tallied(db).items()
    assert counts["kept"] == 3 and counts["days_2"] == 3
    assert _tallied(db) == _direct(db)
