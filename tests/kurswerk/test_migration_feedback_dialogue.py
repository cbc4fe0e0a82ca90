"""Migration 0023: the dialogue's tables arrive empty beside a released feedback, hold its
read receipt, its one question and its one rating (a second of each is refused by the
database), keep an answer whole (answered_at and the text together), and leave again on
downgrade without touching the feedback."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from kurswerk.core import migrations
from tests.support.old_schema import NOW, at_revision, insert, tables_now

TABLES = {"feedback_read", "feedback_question", "feedback_rating"}


def test_the_dialogue_tables_arrive_hold_one_row_per_feedback_and_leave(empty_database_url):
    url = empty_database_url
    engine, t = at_revision(url, "0022")
    with engine.begin() as c:
        platform = insert(c, t["platform"], issuer="https://lms.example", client_id="c")
        context = insert(c, t["lms_context"], platform_id=platform, lms_context_id="k1")
        learner = insert(c, t["lti_user"], platform_id=platform, sub="l")
        tutor = insert(c, t["lti_user"], platform_id=platform, sub="t")
        course = insert(c, t["course"], slug="k", title="K")
        lesson = insert(c, t["lesson"], course_id=course, slug="l", title="L")
        exercise = insert(c, t["exercise"], lesson_id=lesson, slug="e", title="E")
        submission = insert(
            c,
            t["submission"],
            context_id=context,
            user_id=learner,
            exercise_id=exercise,
            latest_version=1,
            status="feedback_released",
            industry="media",
        )
        version = insert(c, t["submission_version"], submission_id=submission, number=1)
        feedback = insert(
            c,
            t["feedback"],
            submission_id=submission,
            submission_version_id=version,
            tutor_user_id=tutor,
            status="released",
            released_at=NOW,
        )

    migrations.upgrade(url, "0023")

    assert set(sa.inspect(engine).get_table_names()) >= TABLES
    indexes = {
        i["name"]: i["column_names"] for i in sa.inspect(engine).get_indexes("feedback_read")
    }
    assert indexes["ix_feedback_read_version"] == ["submission_id", "version"]
    now = tables_now(engine)
    read = {"feedback_id": feedback, "submission_id": submission, "version": 1}
    question = {
        "feedback_id": feedback,
        "submission_id": submission,
        "context_id": context,
        "learner_user_id": learner,
        "tutor_user_id": tutor,
        "body_markdown": "Warum?",
        "answer_markdown": "",
        "answer_due_at": NOW,
    }
    rating = {"feedback_id": feedback, "learner_user_id": learner, "score": 4, "comment": ""}
    with engine.begin() as c:
        insert(c, now["feedback_read"], learner_user_id=learner, via="tool", **read)
        insert(c, now["feedback_question"], **question)
        insert(c, now["feedback_rating"], **rating)
    for table, values in (
        ("feedback_read", {"learner_user_id": learner, "via": "tool", **read}),
        ("feedback_question", question),
        ("feedback_rating", rating),
    ):
        with pytest.raises(sa.exc.IntegrityError), engine.begin() as c:
            insert(c, now[table], **values)
    with pytest.raises(sa.exc.IntegrityError), engine.begin() as c:
        c.execute(sa.text("UPDATE feedback_rating SET score = 6"))
    with pytest.raises(sa.exc.IntegrityError), engine.begin() as c:  # a time without a text
        c.execute(sa.text("UPDATE feedback_question SET answered_at = asked_at"))
    with pytest.raises(sa.exc.IntegrityError), engine.begin() as c:
        c.execute(sa.text("UPDATE feedback_read SET via = 'fax'"))

    migrations.downgrade(url, "0022")

    assert not TABLES & set(sa.inspect(engine).get_table_names())
    with engine.connect() as c:
        assert c.execute(sa.text("SELECT status FROM feedback")).scalars().all() == ["released"]
    engine.dispose()
