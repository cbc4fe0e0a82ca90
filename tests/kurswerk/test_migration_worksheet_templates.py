"""Migration 0018: a worksheet loaded before it keeps its row, with no step items and the
default table until the next content load; downgrading brings ``step_html`` back and
drops the owners' files."""

from __future__ import annotations

import json

import sqlalchemy as sa

from kurswerk.core import migrations
from tests.support.old_schema import at_revision, insert, tables_now


def _json(value: object) -> object:
    return json.loads(value) if isinstance(value, str) else value


def test_worksheets_loaded_before_get_empty_items_and_the_default_table(empty_database_url):
    url = empty_database_url
    engine, t = at_revision(url, "0016")
    with engine.begin() as c:
        course = insert(c, t["course"], slug="k", title="K")
        lesson = insert(c, t["lesson"], course_id=course, slug="l", title="L")
        sheet = insert(c, t["worksheet"], lesson_id=lesson, slug="w", title="W", step_html="<p/>")

    migrations.upgrade(url)

    with engine.connect() as c:
        items, layout = c.execute(sa.text("SELECT step_items, layout FROM worksheet")).one()
    assert (_json(items), _json(layout)) == ([], {})
    with engine.begin() as c:
        insert(
            c,
            tables_now(engine)["worksheet_file"],
            worksheet_id=sheet,
            path="vorlagen/w.pdf",
            media_type="application/pdf",
            extension=".pdf",
            size=4,
            sha256="0" * 64,
            data=b"%PDF",
        )

    migrations.downgrade(url, "0016")

    assert "worksheet_file" not in sa.inspect(engine).get_table_names()
    with engine.connect() as c:
        assert c.execute(sa.text("SELECT slug, step_html FROM worksheet")).one() == ("w", "")
    engine.dispose()
