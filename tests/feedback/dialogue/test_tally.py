"""The dialogue's tally (``feedback_dialogue_tally``) that the admins' report reads: after
a realistic mix of writes through the use cases - releases in two months (one at the
month's edge in the course's time zone), first and second readings, questions answered
on time, late and not at all, ratings new, changed and given again unchanged - the
figures read from the tally equal the direct grouped queries over the rows; and two
writes at once lose no count."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from functools import partial

import pytest
from sqlmodel import select

import feedback.release
from feedback.dialogue import figures, followups, ratings, receipts, tallied, tally
from feedback.dialogue.models import DialogueTally, ReadVia
from kurswerk.core.clock import utcnow
from kurswerk.core.db import new_session
from kurswerk.core.email_links import EmailLinks
from kurswerk.core.settings import Settings

LINKS = EmailLinks(Settings(base_url="https://kurswerk.test"))
EDGE = datetime(2026, 10, 31, 23, 30, tzinfo=UTC)  # 1 November, 00:30 in Berlin


def _release_at(monkeypatch, release_feedback, moment: datetime, *args, **kw):
    """``release_feedback`` with the release happening at ``moment``."""
    with monkeypatch.context() as patch:
        patch.setattr(feedback.release, "utcnow", lambda: moment)
        return release_feedback(*args, **kw)


def _sorted(rows):
    return sorted(rows, key=lambda r: (r.context_id, r.tutor_user_id, r.month))


def _mix(world, release_feedback, db, monkeypatch):
    """The writes; returns the moment the figures are read at."""
    now = utcnow()
    edge = _release_at(monkeypatch, release_feedback, EDGE, world.learner)
    theo = release_feedback(world.learner, tutor=world.tutor2, exercise="art-der-kundenbeziehung")
    tilda = release_feedback(world.learner2)
    olga = release_feedback(world.other_learner, tutor=world.other_tutor)
    for person, item in ((world.learner, edge), (world.learner, theo), (world.other_learner, olga)):
        receipts.record_reads(db, person.principal, item.sid, via=ReadVia.TOOL)
        receipts.record_reads(db, person.principal, item.sid, via=ReadVia.EMAIL_LINK)  # again
    asked = EDGE + timedelta(days=2)
    followups.ask(
        db, world.learner.principal, edge.fid, "Warum?", followup_days=14, answer_days=2,
        links=LINKS, now=asked,
    )  # fmt: skip
    followups.answer(
        db, world.tutor.principal, edge.fid, "Darum.", links=LINKS, now=asked + timedelta(hours=3)
    )
    for person, item, answer_after in (
        (world.learner, theo, None),
        (world.other_learner, olga, timedelta(days=20)),  # late
    ):
        followups.ask(
            db, person.principal, item.fid, "Wie?", followup_days=14, answer_days=2,
            links=LINKS, now=now,
        )  # fmt: skip
        if answer_after:
            staff = world.other_tutor.principal
            followups.answer(db, staff, item.fid, "So.", links=LINKS, now=now + answer_after)
    for person, item, scores in (
        (world.learner, edge, ("2", "5", "5")),  # changed, then given again unchanged
        (world.learner, theo, ("3",)),
        (world.learner2, tilda, ("4", "1")),
        (world.other_learner, olga, ("5",)),
    ):
        for score in scores:
            ratings.rate(db, person.principal, item.fid, score=score, comment="")
    db.commit()
    return now


def _equal(db, *, now, context_ids=None):
    since, until = date(2026, 1, 1), date(now.year + 1, 1, 1)
    found = tallied.dialogue_figures(db, since=since, until=until, now=now, context_ids=context_ids)
    kw = {"since": since, "until": until, "context_ids": context_ids}
    assert _sorted(found.reads) == _sorted(figures.read_figures(db, **kw))
    assert _sorted(found.followups) == _sorted(figures.followup_figures(db, now=now, **kw))
    assert _sorted(found.ratings) == _sorted(figures.rating_figures(db, **kw))
    return found


def test_the_tally_gives_the_figures_of_the_rows(world, release_feedback, db, monkeypatch):
    now = _mix(world, release_feedback, db, monkeypatch)
    here = world.learner.context_id
    for moment in (now, now + timedelta(days=30)):  # the open question overdue or not
        _equal(db, now=moment)
        _equal(db, now=moment, context_ids=[here])
    found = _equal(db, now=now)
    tilda = world.tutor.principal.user_id
    november = [r for r in found.reads if r.month == date(2026, 11, 1)]
    assert [(r.tutor_user_id, r.released, r.read) for r in november] == [(tilda, 1, 1)]
    (everything,) = figures.roll_up(found.ratings, by=())
    assert everything.summary.distribution == (1, 0, 1, 0, 2)  # 5, 3, 1 (was 4), 5
    (asked,) = figures.roll_up(found.followups, by=())
    assert (asked.asked, asked.answered, asked.answered_on_time, asked.open) == (3, 2, 1, 1)


def _dimension(attribute, row):
    return getattr(row, attribute) if attribute else None


def test_the_sums_per_grain_are_the_roll_up_of_the_rows(world, release_feedback, db, monkeypatch):
    now = _mix(world, release_feedback, db, monkeypatch)
    since, until = date(2026, 1, 1), date(now.year + 1, 1, 1)
    grains = ("context", "tutor", "month", None)
    summed = tallied.summed(db, grains=grains, since=since, until=until, now=now)
    kw = {"since": since, "until": until}
    reads, asked = figures.read_figures(db, **kw), figures.followup_figures(db, now=now, **kw)
    rated = figures.rating_figures(db, **kw)
    for by in grains:
        attribute = {"context": "context_id", "tutor": "tutor_user_id", "month": "month"}.get(
            by or ""
        )
        grain = {by} if by else set()
        key = partial(_dimension, attribute)
        got = summed[by]
        for row in figures.roll_up(reads, by=grain):
            assert (got[key(row)].released, got[key(row)].read) == (row.released, row.read)
        for row in figures.roll_up(asked, by=grain):
            assert got[key(row)].followups == replace(row, context_id=None, tutor_user_id=None,
                                                      month=None)  # fmt: skip
        for row in figures.roll_up(rated, by=grain):
            assert got[key(row)].summary == row.summary
        assert set(got) == {key(row) for row in figures.roll_up(reads, by=grain)} | {
            key(row) for row in figures.roll_up(asked, by=grain)
        } | {key(row) for row in figures.roll_up(rated, by=grain)}


def test_the_report_months_span_only_what_is_asked(world, release_feedback, db, monkeypatch):
    now = _mix(world, release_feedback, db, monkeypatch)
    only_now = tallied.dialogue_figures(
        db, since=date(now.year, now.month, 1), until=date(now.year + 1, 1, 1), now=now
    )
    assert all(r.month != date(2026, 11, 1) for r in only_now.reads)
    assert tallied.dialogue_figures(db, since=now.date(), until=now.date(), now=now).reads == []


def test_an_unknown_counter_is_refused(db, world):
    with pytest.raises(ValueError, match="not a tally count"):
        tally.add(
            db,
            context_id=world.context.id,
            tutor_user_id=world.tutor.principal.user_id,
            month=date(2026, 12, 1),
            rated_6=1,
        )


def _at_once(engine, writes) -> list[Exception]:
    """Run each write in its own session and thread, all starting together."""
    start, errors = threading.Barrier(len(writes), timeout=20), []

    def run(write):
        try:
            with new_session(engine) as session:
                start.wait()
                write(session)
                session.commit()
        except Exception as exc:  # noqa: BLE001 - reported by the test
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(write,)) for write in writes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return errors


def _tally_rows(db):
    db.expire_all()
    return db.exec(select(DialogueTally)).all()


def test_two_ratings_at_once_lose_no_count(world, release_feedback, db, engine):
    """Two learners rate feedback counted in one row, and one learner sends two ratings
    of one feedback at once: every rating is counted, the changed one once."""
    first = release_feedback(world.learner)
    second = release_feedback(world.learner2)

    def rating(person, item, score):
        return lambda session: ratings.rate(
            session, person.principal, item.fid, score=score, comment=""
        )

    errors = _at_once(
        engine,
        [
            rating(world.learner, first, "2"),
            rating(world.learner, first, "4"),
            rating(world.learner2, second, "5"),
        ],
    )
    assert errors == []
    stored = ratings.ratings_of(db, [first.fid])[first.fid].score
    (row,) = _tally_rows(db)
    distribution = [getattr(row, f"rated_{n}") for n in range(1, 6)]
    expected = [0] * 5
    expected[stored - 1] += 1
    expected[4] += 1
    assert distribution == expected


def test_two_first_readings_at_once_count_one(world, release_feedback, db, engine):
    item = release_feedback(world.learner)

    def read(session):
        receipts.record_reads(session, world.learner.principal, item.sid, via=ReadVia.TOOL)

    assert _at_once(engine, [read, read]) == []
    (row,) = _tally_rows(db)
    assert (row.released, row.read) == (1, 1)
