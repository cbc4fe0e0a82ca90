"""Migration 0022: the promise tables arrive beside the existing submissions, every
version gets a promise from its upload time and the target (released feedback settles
it as kept or missed and is counted; an older version without feedback is superseded; a
long-passed open promise counts as warned, so no flood of warnings follows), and the
tables leave again on downgrade without touching the rest."""

from __future__ import annotations

from datetime import UTC, date, datetime

import sqlalchemy as sa

from kurswerk.core import migrations
from kurswerk.core.clock import utcnow
from tests.support.old_schema import at_revision, insert, tables_now

MONDAY = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # due Monday 30 November (target 5)
WEDNESDAY = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)  # 7 working days later


def test_existing_submissions_get_their_promises_and_the_tables_leave_again(
    empty_database_url,
):
    url = empty_database_url
    engine, t = at_revision(url, "0021")
    future = utcnow()
    with engine.begin() as c:
        platform = insert(c, t["platform"], issuer="https://lms.example", client_id="c")
        context = insert(c, t["lms_context"], platform_id=platform, lms_context_id="k1")
        course = insert(c, t["course"], slug="k", title="K")
        lesson = insert(c, t["lesson"], course_id=course, slug="l", title="L")
        exercise = insert(c, t["exercise"], lesson_id=lesson, slug="e", title="E")
        learner = insert(c, t["lti_user"], platform_id=platform, sub="l1")
        tutor = insert(c, t["lti_user"], platform_id=platform, sub="t1")

        def submission(industry: str, latest: int, status: str) -> int:
            return insert(
                c, t["submission"], context_id=context, user_id=learner, exercise_id=exercise,
                industry=industry, status=status, latest_version=latest,
            )  # fmt: skip

        def version(submission_id: int, number: int, at: datetime) -> int:
            return insert(
                c, t["submission_version"], submission_id=submission_id, number=number,
                idempotency_key=f"k{submission_id}-{number}", created_at=at,
            )  # fmt: skip

        released = submission("media", 2, "feedback_released")
        old = version(released, 1, MONDAY)
        new = version(released, 2, MONDAY)
        insert(
            c, t["feedback"], submission_id=released, submission_version_id=new,
            tutor_user_id=tutor, status="released", released_at=WEDNESDAY,
        )  # fmt: skip
        overdue = version(submission("fmcg", 1, "submitted"), 1, MONDAY)
        ahead = version(submission("retail", 1, "submitted"), 1, future)

    migrations.upgrade(url, "0022")

    now = tables_now(engine)
    with engine.connect() as c:
        rows = {
            row.submission_version_id: row
            for row in c.execute(sa.select(now["feedback_promise"])).all()
        }
        events = (
            c.execute(sa.select(now["feedback_promise_event"].c.kind).order_by("id"))
            .scalars()
            .all()
        )
        tally = c.execute(sa.select(now["feedback_promise_tally"])).all()
    assert set(rows) == {old, new, overdue, ahead}
    assert rows[old].state == "superseded"
    assert (rows[new].state, rows[new].turnaround_days) == ("missed", 7)  # Wed 2 Dec
    assert rows[new].due_on == date(2026, 11, 30)
    assert rows[overdue].state == "open" and rows[overdue].warned_at is not None
    assert rows[ahead].state == "open" and rows[ahead].warned_at is None
    assert all(
        r.waiting == 0 and r.weekly_capacity == 0 and r.target_days == 5 for r in rows.values()
    )
    assert sorted(events) == sorted(["promised"] * 4 + ["superseded", "missed"])
    [(month, kept, missed)] = [(r.month, r.kept, r.missed) for r in tally]
    assert (month, kept, missed) == (date(2026, 12, 1), 0, 1)

    migrations.downgrade(url, "0021")

    names = set(sa.inspect(engine).get_table_names())
    assert not {"feedback_promise", "feedback_promise_event", "tutor_capacity"} & names
    assert "feedback_promise_tally" not in names
    with engine.connect() as c:
        assert c.execute(sa.text("SELECT count(*) FROM submission_version")).scalar() == 4
    engine.dispose()


def test_the_month_tally_is_filled_from_the_per_turnaround_tally_and_leaves_again(
    empty_database_url,
):
    """Migration 0027: the counts per turnaround become one row per LMS course, tutor
    and month, each turnaround in its day's column (longer than 20: ``days_over``)."""
    url = empty_database_url
    engine, t = at_revision(url, "0026")
    nov, dec = date(2026, 11, 1), date(2026, 12, 1)
    with engine.begin() as c:
        platform = insert(c, t["platform"], issuer="https://lms.example", client_id="c")
        context = insert(c, t["lms_context"], platform_id=platform, lms_context_id="k1")
        tilda = insert(c, t["lti_user"], platform_id=platform, sub="t1")
        theo = insert(c, t["lti_user"], platform_id=platform, sub="t2")
        for month, tutor, days, kept, missed, moved in (
            (nov, tilda, 2, 3, 0, 1),
            (nov, tilda, 7, 0, 2, 0),
            (nov, tilda, 25, 0, 1, 1),
            (dec, tilda, 0, 1, 0, 0),
            (nov, theo, 20, 1, 1, 0),
        ):
            insert(
                c, t["feedback_promise_tally"], context_id=context, tutor_user_id=tutor,
                month=month, turnaround_days=days, kept=kept, missed=missed, moved=moved,
            )  # fmt: skip

    migrations.upgrade(url, "0027")

    now = tables_now(engine)
    with engine.connect() as c:
        rows = {
            (r.tutor_user_id, r.month): r
            for r in c.execute(sa.select(now["feedback_promise_month_tally"])).all()
        }
    assert set(rows) == {(tilda, nov), (tilda, dec), (theo, nov)}
    first = rows[(tilda, nov)]
    assert (first.kept, first.missed, first.moved) == (3, 3, 2)
    assert (first.days_2, first.days_7, first.days_over, first.days_0) == (3, 2, 1, 0)
    assert (rows[(tilda, dec)].days_0, rows[(tilda, dec)].kept) == (1, 1)
    assert (rows[(theo, nov)].days_20, rows[(theo, nov)].days_over) == (2, 0)

    migrations.downgrade(url, "0026")

    assert "feedback_promise_month_tally" not in set(sa.inspect(engine).get_table_names())
    engine.dispose()
