"""Migration 0012: FAQ edits made before it (when an edit of a file entry reached every
LMS course) become overrides of the editor's LMS courses, and the file entry gets the
file's version back; an edit nobody can be named for stays visible in every LMS course
of the course, as an override of each; downgrading drops the overrides."""

from __future__ import annotations

import sqlalchemy as sa

from kurswerk.core import migrations
from tests.support.old_schema import NOW, at_revision, insert


def test_earlier_edits_become_overrides_of_the_editors_lms_courses(empty_database_url):
    url = empty_database_url
    engine, t = at_revision(url, "0011")
    with engine.begin() as c:
        platform = insert(c, t["platform"])
        mine = insert(c, t["lms_context"], platform_id=platform, lms_context_id="a1")
        other = insert(c, t["lms_context"], platform_id=platform, lms_context_id="a2")
        tutor = insert(c, t["lti_user"], platform_id=platform, sub="tina")
        insert(c, t["membership"], user_id=tutor, context_id=mine, role="tutor")
        course = insert(c, t["course"], slug="k", title="K")
        lesson = insert(c, t["lesson"], course_id=course, slug="l", title="L")
        for context in (mine, other):
            insert(c, t["course_binding"], context_id=context, course_id=course)
        faq = t["faq_entry"]
        common = {"lesson_id": lesson, "origin": "file", "position": 0}
        edited = insert(
            c, faq, **common, source_key="edited", question="Tinas Frage",
            answer="Tinas Antwort", file_question="Dateifrage", file_answer="Dateiantwort",
            edited_in_tool_at=NOW, edited_by=tutor,
        )  # fmt: skip
        orphan = insert(
            c, faq, **common, source_key="orphan", question="Gelöscht", answer="",
            file_question="Gelöscht", file_answer="", edited_in_tool_at=NOW,
            deleted_at=NOW, edited_by=None,
        )  # fmt: skip
        untouched = insert(
            c, faq, **common, source_key="untouched", question="Q", answer="A",
            file_question="Q", file_answer="A",
        )  # fmt: skip

    migrations.upgrade(url)

    with engine.connect() as c:
        rows = {
            row.id: row for row in c.execute(sa.text("SELECT * FROM faq_entry ORDER BY id")).all()
        }
    first, second = rows[edited], rows[orphan]
    assert (first.question, first.answer, first.deleted_at) == (
        "Dateifrage",
        "Dateiantwort",
        None,
    )
    assert second.deleted_at is None and rows[untouched].question == "Q"
    overrides = {
        (row.overrides_id, row.context_id): row
        for row in rows.values()
        if row.overrides_id is not None
    }
    assert set(overrides) == {(edited, mine), (orphan, mine), (orphan, other)}
    assert overrides[(edited, mine)].question == "Tinas Frage"
    assert overrides[(edited, mine)].answer == "Tinas Antwort"
    assert overrides[(edited, mine)].deleted_at is None
    assert all(overrides[(orphan, c)].deleted_at is not None for c in (mine, other))

    migrations.downgrade(url, "0011")
    with engine.connect() as c:
        back = c.execute(sa.text("SELECT id, file_question FROM faq_entry")).all()
    assert {row.id for row in back} == {edited, orphan, untouched}
    assert {row.file_question for row in back} == {"Dateifrage", "Gelöscht", "Q"}
    engine.dispose()
