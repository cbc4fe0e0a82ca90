"""`content load`: idempotent upserts by slug, archive instead of delete, progress kept."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlmodel import Session, SQLModel, select

from course.content import load as content
from course.content.markdown import WORDS_PER_MINUTE, render
from course.models import (
    Author,
    Course,
    CourseIndustry,
    Exercise,
    ExerciseVariant,
    Lesson,
    LessonProgress,
    LessonReading,
    Reading,
    Worksheet,
)
from course.service import set_lesson_read
from kurswerk import cli
from kurswerk.core.settings import get_settings
from tests.course.conftest import CONTENT, MakeLearner, mini_course
from tests.course.test_content_check import COURSE_YAML, EXERCISES, LESSON, edit

CONTENT_TABLES: list[type[SQLModel]] = [
    Course,
    CourseIndustry,
    Author,
    Lesson,
    Reading,
    LessonReading,
    Exercise,
    ExerciseVariant,
    Worksheet,
]


def counts(db: Session) -> dict[str, int]:
    return {
        model.__name__: db.exec(select(func.count()).select_from(model)).one()
        for model in CONTENT_TABLES
    }


def lesson_row(db: Session, slug: str = "kundenbeziehungen") -> Lesson:
    db.expire_all()
    return db.exec(select(Lesson).where(Lesson.slug == slug)).one()


def test_loading_twice_changes_nothing_the_second_time(db: Session):
    first = content.load(db, CONTENT)
    db.commit()
    before = counts(db)
    ids = sorted(db.exec(select(Exercise.id)).all())

    second = content.load(db, CONTENT)
    db.commit()

    assert counts(db) == before
    assert sorted(db.exec(select(Exercise.id)).all()) == ids
    assert sum(c["created"] for c in first.counts.values()) > 0
    for kind, outcome in second.counts.items():
        assert outcome["created"] == outcome["updated"] == outcome["archived"] == 0, kind
    assert "0 created, 0 updated" in str(second)


def test_changed_text_updates_rows_in_place_and_keeps_progress(
    db: Session, content_copy: Path, make_learner: MakeLearner
):
    content.load(db, content_copy)
    db.commit()
    learner = make_learner()
    set_lesson_read(db, learner.principal, "kundenbeziehungen", True)
    db.commit()
    before = counts(db)
    lesson_id = lesson_row(db).id
    version = db.exec(select(Course.content_version)).one()

    edit(
        content_copy / LESSON,
        "Diese Erkenntnis ist eine zentrale Grundlage",
        "Diese neue Erkenntnis ist eine zentrale Grundlage",
    )
    report = content.load(db, content_copy)
    db.commit()

    lesson = lesson_row(db)
    assert lesson.id == lesson_id
    assert "Diese neue Erkenntnis" in lesson.body_html
    assert counts(db) == before
    assert report.counts["lessons"]["updated"] == 1
    assert db.exec(select(Course.content_version)).one() != version
    progress = db.exec(select(LessonProgress)).one()
    assert progress.lesson_id == lesson_id and progress.read_at is not None


def test_a_lesson_removed_from_the_files_is_archived_and_its_progress_kept(
    db: Session, content_copy: Path, make_learner: MakeLearner
):
    course_dir = content_copy / "social-media-strategie"
    extra = course_dir / "lessons" / "zusatz.md"
    extra.write_text(
        "---\nslug: zusatz\ntitle: Zusatz\n---\n\n## Teil\n\nEin kurzer Text.\n", "utf-8"
    )
    edit(
        course_dir / "course.yaml", "  - kundenbeziehungen\n", "  - kundenbeziehungen\n  - zusatz\n"
    )
    content.load(db, content_copy)
    db.commit()
    learner = make_learner()
    set_lesson_read(db, learner.principal, "zusatz", True)
    db.commit()

    extra.unlink()
    edit(course_dir / "course.yaml", "  - zusatz\n", "")
    report = content.load(db, content_copy)
    db.commit()

    archived = lesson_row(db, "zusatz")
    assert archived.archived_at is not None
    assert report.counts["lessons"]["archived"] == 1
    progress = db.exec(select(LessonProgress)).one()
    assert progress.lesson_id == archived.id and progress.read_at is not None
    assert lesson_row(db).archived_at is None

    # Back in the files: the same row comes back, not a new one.
    extra.write_text(
        "---\nslug: zusatz\ntitle: Zusatz\n---\n\n## Teil\n\nEin kurzer Text.\n", "utf-8"
    )
    edit(
        course_dir / "course.yaml", "  - kundenbeziehungen\n", "  - kundenbeziehungen\n  - zusatz\n"
    )
    content.load(db, content_copy)
    db.commit()
    restored = lesson_row(db, "zusatz")
    assert restored.id == archived.id and restored.archived_at is None


def unlink_industry(root: Path, industry: str) -> None:
    """The lesson's industry suggestion keeps its words but no longer links the exercise
    in ``industry`` (``content check`` refuses a link to a task that is gone)."""
    text = (root / LESSON).read_text(encoding="utf-8")
    link = f"](uebung:leistungen-pruefen?branche={industry})"
    start = text.index(link)
    opening = text.rindex("[", 0, start)
    (root / LESSON).write_text(
        text[:opening] + text[opening + 1 : start] + text[start + len(link) :], encoding="utf-8"
    )


def test_removed_exercises_and_variants_are_archived_not_deleted(db: Session, content_copy: Path):
    content.load(db, content_copy)
    db.commit()
    before = counts(db)
    text = (content_copy / EXERCISES).read_text(encoding="utf-8")
    head, _, _rest = text.partition("  - slug: art-der-kundenbeziehung")
    b2b_start = head.index("  b2b:")
    exercises_start = head.index("exercises:")
    (content_copy / EXERCISES).write_text(
        head[:b2b_start] + head[exercises_start:], encoding="utf-8"
    )
    unlink_industry(content_copy, "b2b")  # the lesson's suggestion linked its task

    report = content.load(db, content_copy)
    db.commit()

    assert counts(db) == before
    assert report.counts["exercises"]["archived"] == 1
    # The archived exercise's 4 variants and the remaining exercise's b2b variant.
    assert report.counts["variants"]["archived"] == 5
    db.expire_all()
    gone = db.exec(select(Exercise).where(Exercise.slug == "art-der-kundenbeziehung")).one()
    assert gone.archived_at is not None
    b2b = db.exec(
        select(ExerciseVariant)
        .join(Exercise)
        .where(Exercise.slug == "leistungen-pruefen", ExerciseVariant.industry == "b2b")
    ).one()
    assert b2b.archived_at is not None


def test_a_course_folder_removed_from_the_root_is_archived(db: Session, content_copy: Path):
    content.load(db, content_copy)
    db.commit()
    shutil.rmtree(content_copy / "social-media-strategie")
    (content_copy / "anderer-kurs" / "lessons").mkdir(parents=True)
    (content_copy / "anderer-kurs" / "course.yaml").write_text(
        "slug: anderer-kurs\ntitle: Anderer Kurs\nlessons: [eins]\n", "utf-8"
    )
    (content_copy / "anderer-kurs" / "lessons" / "eins.md").write_text(
        "---\nslug: eins\ntitle: Eins\n---\n\n## Teil\n\nText.\n", "utf-8"
    )

    content.load(db, content_copy)
    db.commit()

    db.expire_all()
    old = db.exec(select(Course).where(Course.slug == "social-media-strategie")).one()
    new = db.exec(select(Course).where(Course.slug == "anderer-kurs")).one()
    assert old.archived_at is not None and new.archived_at is None


def test_loading_one_course_folder_leaves_other_courses_alone(db: Session, content_copy: Path):
    content.load(db, content_copy)
    db.commit()
    other = content_copy / "anderer-kurs"
    (other / "lessons").mkdir(parents=True)
    (other / "course.yaml").write_text(
        "slug: anderer-kurs\ntitle: Anderer Kurs\nlessons: [eins]\n", "utf-8"
    )
    (other / "lessons" / "eins.md").write_text(
        "---\nslug: eins\ntitle: Eins\n---\n\n## Teil\n\nText.\n", "utf-8"
    )

    content.load(db, other)
    db.commit()

    db.expire_all()
    assert all(c.archived_at is None for c in db.exec(select(Course)).all())
    assert len(db.exec(select(Course)).all()) == 2


def test_load_does_not_commit(db: Session):
    content.load(db, CONTENT)
    db.rollback()
    assert counts(db)["Course"] == 0


def test_load_refuses_content_with_problems_and_writes_nothing(db: Session, content_copy: Path):
    edit(content_copy / EXERCISES, "  b2b:\n", "  maschinenbau:\n")
    with pytest.raises(content.ContentError) as raised:
        content.load(db, content_copy)
    assert any("maschinenbau" in p.message for p in raised.value.problems)
    db.rollback()
    assert counts(db)["Course"] == 0


def test_reading_time_is_computed_from_the_words(db: Session, tmp_path: Path):
    words = WORDS_PER_MINUTE * 3 + 1
    root = mini_course(tmp_path, " ".join(["Wort"] * words) + "\n")
    content.load(db, root)
    db.commit()
    lesson = lesson_row(db, "eins")
    assert lesson.word_count == words
    assert lesson.reading_minutes == 4  # 3 minutes and one word


def test_the_real_lesson_reads_in_about_the_owners_18_minutes(loaded, db: Session):
    """The owner wrote "Lesezeit: ca. 18 Minuten"; the computed time agrees (±1)."""
    lesson = lesson_row(db)
    assert abs(lesson.reading_minutes - 18) <= 1
    assert (
        lesson.word_count
        == render((CONTENT / LESSON).read_text(encoding="utf-8").split("\n---\n", 1)[1]).word_count
    )


def test_cli_load_loads_and_prints_a_summary(
    database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], db
):
    monkeypatch.setenv("KURSWERK_DATABASE_URL", database_url)
    get_settings.cache_clear()
    try:
        assert cli.main(["content", "load", str(CONTENT)]) == 0
    finally:
        get_settings.cache_clear()
    out = capsys.readouterr().out
    assert "social-media-strategie" in out and "lessons" in out
    assert counts(db)["Lesson"] == 1


def test_cli_load_refuses_broken_content(content_copy: Path, capsys: pytest.CaptureFixture[str]):
    edit(content_copy / EXERCISES, "  b2b:\n", "  maschinenbau:\n")
    assert cli.main(["content", "load", str(content_copy)]) == 1
    assert "Nothing loaded" in capsys.readouterr().err


def industries(db: Session) -> list[tuple[str, int, dict[str, str], bool]]:
    db.expire_all()
    rows = db.exec(select(CourseIndustry).order_by(CourseIndustry.position)).all()
    return [(r.slug, r.position, r.names, r.archived_at is not None) for r in rows]


def test_the_course_industries_come_from_course_yaml_with_their_names(db: Session):
    report = content.load(db, CONTENT)
    db.commit()
    assert report.counts["industries"]["created"] == 4
    assert industries(db) == [
        ("media", 0, {"de": "Medien", "en": "Media"}, False),
        ("fmcg", 1, {"de": "FMCG (Markenunternehmen)", "en": "FMCG (brand manufacturers)"}, False),
        ("retail", 2, {"de": "Handel (Filialisten)", "en": "Retail (chain stores)"}, False),
        ("b2b", 3, {"de": "B2B", "en": "B2B"}, False),
    ]


def test_a_renamed_industry_is_updated_and_a_removed_one_archived(db: Session, content_copy: Path):
    content.load(db, content_copy)
    db.commit()
    edit(content_copy / COURSE_YAML, "    en: Media\n", "    en: Media and publishing\n")
    # b2b leaves the course: from course.yaml and from the exercises using it
    edit(content_copy / COURSE_YAML, "  b2b:\n    de: B2B\n    en: B2B\n", "")
    text = (content_copy / EXERCISES).read_text(encoding="utf-8")
    head, _, rest = text.partition("  b2b:")
    (content_copy / EXERCISES).write_text(head + rest[rest.index("exercises:") :], encoding="utf-8")
    unlink_industry(content_copy, "b2b")  # and from the lesson's suggestion linking its task

    report = content.load(db, content_copy)
    db.commit()

    assert report.counts["industries"]["updated"] == 1
    assert report.counts["industries"]["archived"] == 1
    rows = {slug: (names, archived) for slug, _, names, archived in industries(db)}
    assert rows["media"] == ({"de": "Medien", "en": "Media and publishing"}, False)
    assert rows["b2b"] == ({"de": "B2B", "en": "B2B"}, True)  # kept: submissions name it
