"""Migration 0012: FAQ edits made before it (when an edit of a file entry reached every
LMS course) become overrides of the editor's LMS courses, and the file entry gets the
file's version back; an edit nobody can be named for stays visible in every LMS course
of the course, as an override of each; downgrading drops the overrides."""

from __future__ import annotations

import itertools
import os
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from kurswerk.core import migrations
from kurswerk.core.db import make_engine
from tests.conftest import _create_postgres_database, _drop_postgres_database

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
_numbers = itertools.count(1)


def _filler(column: sa.Column) -> Any:
    kind = column.type.python_type
    if kind is datetime:
        return NOW
    if kind is int:
        return 0
    if kind is bool:
        return False
    if kind is dict or kind is list:
        return kind()
    return f"x{next(_numbers)}"


def _insert(connection: sa.Connection, table: sa.Table, **values: Any) -> int:
    """One row with ``values``; other required columns get plain values."""
    for column in table.columns:
        if column.name in values or column.nullable or column.primary_key:
            continue
        if column.server_default is None:
            values[column.name] = _filler(column)
    result = connection.execute(sa.insert(table).values(**values))
    key = result.inserted_primary_key
    return int(key[0]) if key and key[0] is not None else 0


def test_earlier_edits_become_overrides_of_the_editors_lms_courses(tmp_path):
    choice = os.environ.get("KURSWERK_TEST_DATABASE", "sqlite")
    if choice == "sqlite":
        url, cleanup = f"sqlite:///{tmp_path / 'old.db'}", None
    else:
        url, name = _create_postgres_database(choice)
        cleanup = (choice, name)
    try:
        migrations.upgrade(url, "0011")
        engine = make_engine(url)
        meta = sa.MetaData()
        meta.reflect(engine)
        t = meta.tables
        with engine.begin() as c:
            platform = _insert(c, t["platform"])
            mine = _insert(c, t["lms_context"], platform_id=platform, lms_context_id="a1")
            other = _insert(c, t["lms_context"], platform_id=platform, lms_context_id="a2")
            tutor = _insert(c, t["lti_user"], platform_id=platform, sub="tina")
            _insert(c, t["membership"], user_id=tutor, context_id=mine, role="tutor")
            course = _insert(c, t["course"], slug="k", title="K")
            lesson = _insert(c, t["lesson"], course_id=course, slug="l", title="L")
            for context in (mine, other):
                _insert(c, t["course_binding"], context_id=context, course_id=course)
            faq = t["faq_entry"]
            common = {"lesson_id": lesson, "origin": "file", "position": 0}
            edited = _insert(
                c, faq, **common, source_key="edited", question="Tinas Frage",
                answer="Tinas Antwort", file_question="Dateifrage", file_answer="Dateiantwort",
                edited_in_tool_at=NOW, edited_by=tutor,
            )  # fmt: skip
            orphan = _insert(
                c, faq, **common, source_key="orphan", question="Gelöscht", answer="",
                file_question="Gelöscht", file_answer="", edited_in_tool_at=NOW,
                deleted_at=NOW, edited_by=None,
            )  # fmt: skip
            untouched = _insert(
                c, faq, **common, source_key="untouched", question="Q", answer="A",
                file_question="Q", file_answer="A",
            )  # fmt: skip

        migrations.upgrade(url)

        with engine.connect() as c:
            rows = {
                row.id: row
                for row in c.execute(sa.text("SELECT * FROM faq_entry ORDER BY id")).all()
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
    finally:
        if cleanup:
            _drop_postgres_database(*cleanup)
