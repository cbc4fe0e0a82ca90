"""Migration 0024: the dialogue's tally arrives filled from the rows already there -
released feedback counted by LMS course, tutor and month of release (in the course's
time zone: a release at 23:30 UTC on 31 October is November's), with its readings and
ratings, questions by the month asked with their answers (on time or late) - so the
report reads from it the same figures as the direct queries; and it leaves again on
downgrade without touching the rest."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa

from feedback.dialogue import figures, tallied
from kurswerk.core import migrations
from kurswerk.core.db import new_session
from tests.support.old_schema import at_revision, insert, tables_now

EDGE = datetime(2026, 10, 31, 23, 30, tzinfo=UTC)  # 1 November, 00:30 in Berlin
DECEMBER = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
NOW = datetime(2026, 12, 20, 9, 0, tzinfo=UTC)


def test_the_tally_is_filled_from_the_rows_and_leaves_again(empty_database_url):
    url = empty_database_url
    engine, t = at_revision(url, "0023")
    with engine.begin() as c:
        platform = insert(c, t["platform"], issuer="https://lms.example", client_id="c")
        context = insert(c, t["lms_context"], platform_id=platform, lms_context_id="k1")
        course = insert(c, t["course"], slug="k", title="K")
        lesson = insert(c, t["lesson"], course_id=course, slug="l", title="L")
        exercise = insert(c, t["exercise"], lesson_id=lesson, slug="e", title="E")
        learner = insert(c, t["lti_user"], platform_id=platform, sub="l1")
        tilda = insert(c, t["lti_user"], platform_id=platform, sub="t1")
        theo = insert(c, t["lti_user"], platform_id=platform, sub="t2")

        def released(industry: str, tutor: int, at: datetime, status: str = "released") -> int:
            submission = insert(
                c, t["submission"], context_id=context, user_id=learner, exercise_id=exercise,
                industry=industry, status="feedback_released", latest_version=1,
            )  # fmt: skip
            version = insert(
                c, t["submission_version"], submission_id=submission, number=1,
                idempotency_key=f"k{submission}",
            )  # fmt: skip
            return insert(
                c, t["feedback"], submission_id=submission, submission_version_id=version,
                tutor_user_id=tutor, status=status,
                released_at=at if status == "released" else None,
            )  # fmt: skip

        def question(feedback: int, asked: datetime, answered: datetime | None) -> None:
            submission = c.execute(
                sa.select(t["feedback"].c.submission_id).where(t["feedback"].c.id == feedback)
            ).scalar_one()
            insert(
                c, t["feedback_question"], feedback_id=feedback, submission_id=submission,
                context_id=context, learner_user_id=learner, tutor_user_id=None,
                body_markdown="?", asked_at=asked, answer_due_at=asked + timedelta(days=2),
                answer_markdown="!" if answered else "", answered_at=answered,
            )  # fmt: skip

        edge = released("media", tilda, EDGE)
        late = released("fmcg", tilda, DECEMBER)
        other = released("retail", theo, DECEMBER)
        released("b2b", theo, DECEMBER, status="draft")  # not counted
        for feedback in (edge, other):
            insert(
                c, t["feedback_read"], feedback_id=feedback, submission_id=1, version=1,
                learner_user_id=learner, via="tool", read_at=DECEMBER,
            )  # fmt: skip
        for feedback, score in ((edge, 5), (late, 2), (other, 5)):
            insert(c, t["feedback_rating"], feedback_id=feedback, learner_user_id=learner,
                   score=score, comment="")  # fmt: skip
        question(edge, EDGE + timedelta(days=1), EDGE + timedelta(days=2))  # on time
        question(late, DECEMBER, DECEMBER + timedelta(days=5))  # late
        question(other, DECEMBER, None)  # open

    migrations.upgrade(url, "0024")

    now = tables_now(engine)
    with engine.connect() as c:
        rows = c.execute(sa.select(now["feedback_dialogue_tally"])).all()
    found = {
        (r.month, r.tutor_user_id): (
            r.released, r.read, r.asked, r.answered, r.answered_on_time,
            r.rated_1, r.rated_2, r.rated_3, r.rated_4, r.rated_5,
        )
        for r in rows
    }  # fmt: skip
    assert found == {
        (date(2026, 11, 1), tilda): (1, 1, 1, 1, 1, 0, 0, 0, 0, 1),
        (date(2026, 12, 1), tilda): (1, 0, 1, 1, 0, 0, 1, 0, 0, 0),
        (date(2026, 12, 1), theo): (1, 1, 1, 0, 0, 0, 0, 0, 0, 1),
    }
    with new_session(engine) as session:
        kw = {"since": date(2026, 1, 1), "until": date(2027, 1, 1)}
        read = tallied.dialogue_figures(session, now=NOW, **kw)
        assert sorted(read.reads, key=repr) == sorted(figures.read_figures(session, **kw), key=repr)
        assert sorted(read.followups, key=repr) == sorted(
            figures.followup_figures(session, now=NOW, **kw), key=repr
        )
        assert read.ratings == figures.rating_figures(session, **kw)

    migrations.downgrade(url, "0023")

    assert "feedback_dialogue_tally" not in set(sa.inspect(engine).get_table_names())
    with engine.connect() as c:
        assert c.execute(sa.text("SELECT count(*) FROM feedback_rating")).scalar() == 3
    engine.dispose()
