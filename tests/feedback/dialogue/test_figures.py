"""The dialogue's figures for the admins' report (issue 14): read rate, follow-up
questions and ratings per LMS course, tutor and month (the course's time zone), on a
dataset whose counts are known, and their roll-up to coarser grains."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import update

from feedback.dialogue import figures, followups, ratings, receipts
from feedback.dialogue.models import FollowUpQuestion, ReadVia
from feedback.models import Feedback
from kurswerk.core.email_links import EmailLinks
from kurswerk.core.settings import Settings

NOV, DEC = date(2026, 11, 1), date(2026, 12, 1)
LINKS = EmailLinks(Settings(base_url="https://kurswerk.test"))


def _released_at(db, released, at: datetime) -> None:
    db.execute(update(Feedback).where(Feedback.id == released.fid).values(released_at=at))
    db.commit()


def _dataset(world, release_feedback, db):
    """Tilda: one feedback in November (read, asked, answered on time, rated 5), one in
    December released at 00:30 on 1 December in Berlin (asked, open and overdue, rated
    3); Theo: one in December (read). Olga, in another LMS course: one in December."""
    tilda_nov = release_feedback(world.learner)
    tilda_dec = release_feedback(world.learner2)
    theo_dec = release_feedback(
        world.learner, tutor=world.tutor2, exercise="art-der-kundenbeziehung"
    )
    olga_dec = release_feedback(world.other_learner, tutor=world.other_tutor)
    _released_at(db, tilda_nov, datetime(2026, 11, 10, 9, 0, tzinfo=UTC))
    _released_at(db, tilda_dec, datetime(2026, 11, 30, 23, 30, tzinfo=UTC))  # Dec in Berlin
    _released_at(db, theo_dec, datetime(2026, 12, 15, 9, 0, tzinfo=UTC))
    _released_at(db, olga_dec, datetime(2026, 12, 20, 9, 0, tzinfo=UTC))
    for person, item in ((world.learner, tilda_nov), (world.learner, theo_dec)):
        receipts.record_reads(db, person.principal, item.sid, via=ReadVia.TOOL)
    asked_nov = datetime(2026, 11, 11, 9, 0, tzinfo=UTC)
    followups.ask(
        db,
        world.learner.principal,
        tilda_nov.fid,
        "Warum?",
        followup_days=14,
        answer_days=2,
        links=LINKS,
        now=asked_nov,
    )
    followups.answer(
        db,
        world.tutor.principal,
        tilda_nov.fid,
        "Darum.",
        links=LINKS,
        now=asked_nov + timedelta(days=1),
    )
    asked_dec = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
    followups.ask(
        db,
        world.learner2.principal,
        tilda_dec.fid,
        "Wie?",
        followup_days=14,
        answer_days=2,
        links=LINKS,
        now=asked_dec,
    )
    ratings.rate(db, world.learner.principal, tilda_nov.fid, score="5", comment="")
    ratings.rate(db, world.learner2.principal, tilda_dec.fid, score="3", comment="")
    db.commit()
    return world.learner.context_id, world.other_learner.context_id


def test_read_figures_per_course_tutor_and_month(world, release_feedback, db):
    here, there = _dataset(world, release_feedback, db)
    tilda, theo = world.tutor.principal.user_id, world.tutor2.principal.user_id
    olga = world.other_tutor.principal.user_id
    rows = figures.read_figures(db, since=NOV, until=date(2027, 1, 1))
    assert {(r.context_id, r.tutor_user_id, r.month, r.released, r.read) for r in rows} == {
        (here, tilda, NOV, 1, 1),
        (here, tilda, DEC, 1, 0),
        (here, theo, DEC, 1, 1),
        (there, olga, DEC, 1, 0),
    }
    by_month = figures.roll_up(rows, by={"month"})
    assert [(r.month, r.released, r.read, r.context_id) for r in by_month] == [
        (NOV, 1, 1, None),
        (DEC, 3, 1, None),
    ]
    (everything,) = figures.roll_up(rows, by=())
    assert (everything.released, everything.read, everything.read_rate) == (4, 2, 0.5)
    by_course = figures.roll_up(rows, by={"context"})
    assert {r.context_id: r.read_rate for r in by_course} == {here: 2 / 3, there: 0.0}
    only_here = figures.read_figures(db, since=DEC, until=date(2027, 1, 1), context_ids=[here])
    assert {(r.tutor_user_id, r.released) for r in only_here} == {(tilda, 1), (theo, 1)}
    assert figures.read_figures(db, since=DEC, until=DEC) == []


def test_followup_figures_count_asked_answered_on_time_and_overdue(world, release_feedback, db):
    here, _ = _dataset(world, release_feedback, db)
    tilda = world.tutor.principal.user_id
    now = datetime(2026, 12, 10, 12, 0, tzinfo=UTC)  # the December question is overdue
    rows = figures.followup_figures(db, since=NOV, until=date(2027, 1, 1), now=now)
    found = {
        (r.context_id, r.tutor_user_id, r.month): (
            r.asked,
            r.answered,
            r.answered_on_time,
            r.open,
            r.open_overdue,
        )
        for r in rows
    }
    assert found == {(here, tilda, NOV): (1, 1, 1, 0, 0), (here, tilda, DEC): (1, 0, 0, 1, 1)}
    early = figures.followup_figures(
        db, since=DEC, until=date(2027, 1, 1), now=datetime(2026, 12, 2, 10, 0, tzinfo=UTC)
    )
    assert [(r.open, r.open_overdue) for r in early] == [(1, 0)]
    # an answer after its promised day counts as answered, not on time
    db.execute(
        update(FollowUpQuestion)
        .where(FollowUpQuestion.answered_at.is_not(None))
        .values(answered_at=datetime(2026, 11, 20, 9, 0, tzinfo=UTC))
    )
    db.commit()
    (late,) = figures.followup_figures(db, since=NOV, until=DEC, now=now)
    assert (late.answered, late.answered_on_time, late.on_time_rate) == (1, 0, 0.0)


def test_rating_figures_by_the_month_of_the_feedback(world, release_feedback, db):
    here, _ = _dataset(world, release_feedback, db)
    tilda = world.tutor.principal.user_id
    rows = figures.rating_figures(db, since=NOV, until=date(2027, 1, 1))
    assert [(r.context_id, r.tutor_user_id, r.month, r.summary.distribution) for r in rows] == [
        (here, tilda, NOV, (0, 0, 0, 0, 1)),
        (here, tilda, DEC, (0, 0, 1, 0, 0)),
    ]
    (both,) = figures.roll_up(rows, by={"tutor"})
    assert (both.tutor_user_id, both.summary.count, both.summary.average) == (tilda, 2, 4.0)


def test_months_are_counted_in_the_course_time_zone():
    assert figures.month_starts(date(2026, 11, 17), date(2027, 2, 3)) == [
        NOV,
        DEC,
        date(2027, 1, 1),
    ]
    assert len(figures.month_starts(date(2000, 1, 1), date(2030, 1, 1))) == figures.MAX_MONTHS
