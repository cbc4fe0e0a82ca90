"""Migration 0020: feedback released before it keeps its rows (no annotated PDF); the
annotation sets' table takes one set per version, its revision from 1; downgrading drops
both again."""

from __future__ import annotations

import sqlalchemy as sa

from kurswerk.core import migrations
from tests.support.old_schema import at_revision, insert, tables_now


def test_feedback_keeps_its_rows_and_a_version_gets_one_annotation_set(empty_database_url):
    url = empty_database_url
    engine, t = at_revision(url, "0019")
    with engine.begin() as c:
        platform = insert(c, t["platform"])
        user = insert(c, t["lti_user"], platform_id=platform)
        tutor = insert(c, t["lti_user"], platform_id=platform)
        context = insert(c, t["lms_context"], platform_id=platform)
        course = insert(c, t["course"], slug="k", title="K")
        lesson = insert(c, t["lesson"], course_id=course, slug="l", title="L")
        exercise = insert(c, t["exercise"], lesson_id=lesson, slug="e", title="E")
        submission = insert(
            c, t["submission"], context_id=context, user_id=user, exercise_id=exercise,
            status="feedback_released", latest_version=1,
        )  # fmt: skip
        version = insert(c, t["submission_version"], submission_id=submission, number=1)
        feedback = insert(
            c,
            t["feedback"],
            submission_id=submission,
            submission_version_id=version,
            tutor_user_id=user,
            body_markdown="Gut.",
            attachment_key="ab/cd/" + "abcd" + "0" * 60 + ".pdf",
            status="released",
        )

    migrations.upgrade(url, "0020")

    now = tables_now(engine)
    with engine.begin() as c:
        row = c.execute(sa.select(now["feedback"]).where(now["feedback"].c.id == feedback)).one()
        assert (row.body_markdown, row.status, row.annotated_key, row.annotated_name) == (
            "Gut.",
            "released",
            None,
            None,
        )
        assert row.attachment_key.startswith("ab/cd/")
        insert(c, now["feedback_annotation_set"], submission_version_id=version, annotations="[]",
               revision=1, editor_user_id=tutor)  # fmt: skip
    for values in ({"submission_version_id": version}, {"revision": 0}):
        with engine.begin() as c, _refused(c):
            insert(c, now["feedback_annotation_set"], **{
                "submission_version_id": version, "annotations": "[]", "revision": 1, **values
            })  # fmt: skip
    with engine.begin() as c:  # a tutor who leaves: the set stays, without its editor
        c.execute(sa.delete(now["lti_user"]).where(now["lti_user"].c.id == tutor))
    with engine.connect() as c:
        assert (
            c.execute(sa.select(now["feedback_annotation_set"].c.editor_user_id)).scalar_one()
            is None
        )

    migrations.downgrade(url, "0019")

    assert "feedback_annotation_set" not in sa.inspect(engine).get_table_names()
    columns = {column["name"] for column in sa.inspect(engine).get_columns("feedback")}
    assert "annotated_key" not in columns and "attachment_key" in columns
    engine.dispose()


class _refused:
    """The statement inside breaks a constraint (and is rolled back to a savepoint)."""

    def __init__(self, connection: sa.Connection) -> None:
        self.savepoint = connection.begin_nested()

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: object, error: object, trace: object) -> bool:
        assert isinstance(error, sa.exc.IntegrityError), f"not refused: {error!r}"
        self.savepoint.rollback()
        return True
