"""Migration 0021: the comment bank's tables arrive empty beside the existing data, hold a
snippet and an exercise's template of an LMS course (one template per LMS course and
exercise), and leave again on downgrade without touching the rest."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from kurswerk.core import migrations
from tests.support.old_schema import at_revision, insert, tables_now


def test_the_bank_arrives_holds_its_rows_and_leaves(empty_database_url):
    url = empty_database_url
    engine, t = at_revision(url, "0020")
    with engine.begin() as c:
        platform = insert(c, t["platform"], issuer="https://lms.example", client_id="c")
        context = insert(c, t["lms_context"], platform_id=platform, lms_context_id="k1")
        course = insert(c, t["course"], slug="k", title="K")
        lesson = insert(c, t["lesson"], course_id=course, slug="l", title="L")
        exercise = insert(c, t["exercise"], lesson_id=lesson, slug="e", title="E")

    migrations.upgrade(url, "0021")

    inspector = sa.inspect(engine)
    assert {"comment_snippet", "feedback_template"} <= set(inspector.get_table_names())
    scope = {i["name"]: i["column_names"] for i in inspector.get_indexes("comment_snippet")}
    assert scope["ix_comment_snippet_scope"] == ["context_id", "course_id", "exercise_id"]
    now = tables_now(engine)
    with engine.begin() as c:
        insert(
            c, now["comment_snippet"], context_id=context, course_id=course, exercise_id=exercise,
            industry="", title="Quellen", body_markdown="Bitte Quellen.", title_key="quellen",
            search_text="quellen\nbitte quellen.", use_count=0,
        )  # fmt: skip
        values = {"context_id": context, "exercise_id": exercise, "body_markdown": "## A"}
        insert(c, now["feedback_template"], **values)
    with pytest.raises(sa.exc.IntegrityError), engine.begin() as c:
        insert(c, now["feedback_template"], **values)
    with pytest.raises(sa.exc.IntegrityError), engine.begin() as c:
        c.execute(sa.text("UPDATE comment_snippet SET use_count = -1"))

    migrations.downgrade(url, "0020")

    names = set(sa.inspect(engine).get_table_names())
    assert not {"comment_snippet", "feedback_template"} & names
    with engine.connect() as c:
        assert c.execute(sa.text("SELECT slug FROM exercise")).scalars().all() == ["e"]
    engine.dispose()
