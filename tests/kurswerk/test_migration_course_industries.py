"""Migration 0016: every course loaded before it gets the four industries the code named
(with those names), variants no longer check their industry against a fixed list, and
downgrading brings the list back."""

from __future__ import annotations

import json

import sqlalchemy as sa

from kurswerk.core import migrations
from tests.support.old_schema import at_revision, insert, tables_now


def test_loaded_courses_keep_their_industries_and_variants_may_name_others(
    empty_database_url,
):
    url = empty_database_url
    engine, t = at_revision(url, "0015")
    with engine.begin() as c:
        courses = [insert(c, t["course"], slug=s, title=s) for s in ("k", "l")]
        lesson = insert(c, t["lesson"], course_id=courses[0], slug="l", title="L")
        exercise = insert(c, t["exercise"], lesson_id=lesson, slug="e", title="E")
    with engine.begin() as c, _refused(c):
        insert(c, t["exercise_variant"], exercise_id=exercise, industry="bergbau")

    migrations.upgrade(url)

    with engine.connect() as c:
        rows = c.execute(
            sa.text("SELECT course_id, slug, position, names FROM course_industry")
        ).all()
    by_course = {course: [] for course in courses}
    for course, slug, _position, names in sorted(rows, key=lambda r: (r[0], r[2])):
        names = names if isinstance(names, dict) else json.loads(names)
        by_course[course].append((slug, names["de"], names["en"]))
    expected = [
        ("media", "Medien", "Media"),
        ("fmcg", "FMCG (Markenunternehmen)", "FMCG (brand manufacturers)"),
        ("retail", "Handel (Filialisten)", "Retail (chain stores)"),
        ("b2b", "B2B", "B2B"),
    ]
    assert by_course == {courses[0]: expected, courses[1]: expected}
    with engine.begin() as c:
        variant = t["exercise_variant"]
        insert(c, tables_now(engine)["exercise_variant"], exercise_id=exercise, industry="bergbau")
        c.execute(sa.delete(variant).where(variant.c.industry == "bergbau"))

    migrations.downgrade(url, "0015")

    assert "course_industry" not in sa.inspect(engine).get_table_names()
    with engine.begin() as c, _refused(c):
        insert(c, t["exercise_variant"], exercise_id=exercise, industry="bergbau")
    engine.dispose()


class _refused:
    """The statement inside breaks a constraint (and is rolled back to a savepoint)."""

    def __init__(self, connection: sa.Connection) -> None:
        self.connection = connection

    def __enter__(self) -> None:
        self.savepoint = self.connection.begin_nested()

    def __exit__(self, kind: type | None, exc: BaseException | None, tb: object) -> bool:
        assert isinstance(exc, sa.exc.IntegrityError), f"not refused: {exc!r}"
        self.savepoint.rollback()
        return True
