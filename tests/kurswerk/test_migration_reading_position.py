"""Migration 0025: the reading position's table arrives empty, holds one row per person
and LMS course (a second is refused by the database), goes with its lesson, and leaves
again on downgrade without touching the reading progress beside it."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from kurswerk.core import migrations
from tests.support.old_schema import at_revision, insert, tables_now

BEFORE = "0024"


def test_the_reading_position_arrives_holds_one_row_per_person_and_course_and_leaves(
    empty_database_url,
):
    url = empty_database_url
    engine, t = at_revision(url, BEFORE)
    with engine.begin() as c:
        platform = insert(c, t["platform"], issuer="https://lms.example", client_id="c")
        context = insert(c, t["lms_context"], platform_id=platform, lms_context_id="k1")
        other_context = insert(c, t["lms_context"], platform_id=platform, lms_context_id="k2")
        learner = insert(c, t["lti_user"], platform_id=platform, sub="l")
        course = insert(c, t["course"], slug="k", title="K")
        lesson = insert(c, t["lesson"], course_id=course, slug="l", title="L")
        insert(c, t["lesson_progress"], user_id=learner, context_id=context, lesson_id=lesson)

    migrations.upgrade(url, "0025")

    assert "reading_position" in sa.inspect(engine).get_table_names()
    now = tables_now(engine)
    position = {"user_id": learner, "lesson_id": lesson, "section": "am-anfang"}
    with engine.begin() as c:
        assert (
            c.execute(sa.select(sa.func.count()).select_from(now["reading_position"])).scalar() == 0
        )
        insert(c, now["reading_position"], context_id=context, **position)
        insert(c, now["reading_position"], context_id=other_context, **position)
    with pytest.raises(sa.exc.IntegrityError), engine.begin() as c:
        insert(c, now["reading_position"], context_id=context, **position)
    if engine.dialect.name == "postgresql":  # SQLite enforces foreign keys per connection
        with engine.begin() as c:
            c.execute(sa.text("DELETE FROM lesson_progress"))
            c.execute(sa.text("DELETE FROM lesson"))
            left = c.execute(sa.text("SELECT count(*) FROM reading_position")).scalar()
        assert left == 0

    migrations.downgrade(url, BEFORE)

    assert "reading_position" not in sa.inspect(engine).get_table_names()
    assert "lesson_progress" in sa.inspect(engine).get_table_names()
    engine.dispose()
