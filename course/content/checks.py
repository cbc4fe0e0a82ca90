"""Checks across the files of a course (and across courses): references that must
resolve, slugs that must be unique."""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

from course.content.files import SourceFile
from course.content.markdown import Rendered
from course.content.model import (
    COURSE_FILE,
    AuthorSource,
    ContentTree,
    CourseSource,
    LessonSource,
    Problem,
    Where,
)

PAGE_ANCHORS = frozenset({"kw-exercises", "kw-upload"})
"""Anchors the lesson page has when the lesson has exercises: the list of its exercises
("Aufgaben") and the upload at the end of the page."""


def check_course(tree: ContentTree, course: CourseSource) -> None:
    """References between the files of one course, and duplicate slugs."""
    authors = {a.slug for a in course.authors}
    declared = {industry.slug for industry in course.industries}
    lessons = {lesson.slug: lesson for lesson in course.lessons}
    readings = {r.slug for r in course.readings}
    _duplicates(tree, "author", [(a.slug, a.where) for a in course.authors])
    for lesson in course.lessons:
        f = SourceFile(tree, Path(lesson.path))
        if lesson.author and lesson.author not in authors:
            f.problem(lesson.lines["author"], f"author '{lesson.author}' is not in {COURSE_FILE}")
        for slug in lesson.reading:
            if slug not in readings:
                f.problem(lesson.lines[f"reading:{slug}"], f"reading '{slug}' does not exist")
        sheets = [(w.slug, Where(lesson.path, w.line)) for w in lesson.worksheets]
        _duplicates(tree, "worksheet", sheets)
        variants = {
            e.slug: {v.industry for v in e.variants}
            for e in course.exercises
            if e.lesson == lesson.slug
        }
        targets = {
            "worksheet": {w.slug for w in lesson.worksheets},
            "exercise": set(variants),
            "lesson": set(lessons),
            "reading": readings,
        }
        _check_references(f, lesson.rendered, targets, PAGE_ANCHORS if variants else set())
        _check_industries(f, lesson.rendered, variants, declared)
        named = {r.target for r in lesson.rendered.references if r.kind == "worksheet"}
        for sheet in lesson.worksheets:
            if sheet.slug and sheet.slug not in named:
                f.problem(sheet.line, f"worksheet '{sheet.slug}' is never named in the text")
    for reading in course.readings:
        f = SourceFile(tree, Path(reading.path))
        if reading.author and reading.author not in authors:
            f.problem(reading.lines["author"], f"author '{reading.author}' is not in {COURSE_FILE}")
        targets = {"lesson": set(lessons), "reading": readings, "worksheet": set()}
        _check_references(f, reading.rendered, targets | {"exercise": set()})
    _duplicates(
        tree, "reading", [(r.slug, Where(r.path, r.lines["slug"])) for r in course.readings]
    )
    for exercise in course.exercises:
        f = SourceFile(tree, Path(exercise.where.path))
        lesson_source = named_lesson(f, lessons, exercise.lesson, exercise.lesson_line)
        if lesson_source is None:
            continue
        if exercise.work_step and not lesson_source.rendered.block(
            "arbeitsschritt", exercise.work_step
        ):
            f.problem(
                exercise.work_step_line,
                f"work step '{exercise.work_step}' does not exist in lesson '{exercise.lesson}'"
                f" (write '::: arbeitsschritt {exercise.work_step}' there)",
            )
    _duplicates(tree, "exercise", [(f"{e.lesson}/{e.slug}", e.where) for e in course.exercises])


def named_lesson(
    f: SourceFile, lessons: dict[str, LessonSource], slug: str, line: int
) -> LessonSource | None:
    """The lesson a file names at ``line``; a problem there when it names one that does not
    exist (naming none is the file's own problem, reported when it was read)."""
    lesson = lessons.get(slug)
    if lesson is None and slug:
        f.problem(line, f"lesson '{slug}' does not exist")
    return lesson


def _check_references(
    f: SourceFile,
    rendered: Rendered,
    targets: dict[str, set[str]],
    page_anchors: Collection[str] = (),
) -> None:
    for ref in rendered.references:
        if ref.kind == "fragment":
            if ref.target not in rendered.ids and ref.target not in page_anchors:
                f.problem(ref.line, f"link to '#{ref.target}': no heading or block has that id")
        elif ref.kind == "help":
            continue  # a rung of the help ladder: checked when the text was read
        elif ref.target not in targets[ref.kind]:
            f.problem(ref.line, f"link to {ref.kind} '{ref.target}': it does not exist")


def _check_industries(
    f: SourceFile, rendered: Rendered, variants: dict[str, set[str]], declared: set[str]
) -> None:
    """``uebung:<slug>?branche=<industry>``: the course declares the industry and the
    exercise has a task in it (a link to a missing exercise is reported already)."""
    for ref in rendered.references:
        if ref.kind != "exercise" or not ref.industry or ref.target not in variants:
            continue
        if ref.industry not in declared:
            f.problem(
                ref.line,
                f"link to industry '{ref.industry}': it is not declared under 'industries:' "
                f"in {COURSE_FILE}",
            )
        elif ref.industry not in variants[ref.target]:
            f.problem(
                ref.line,
                f"link to exercise '{ref.target}' in industry '{ref.industry}': the exercise "
                "has no task in that industry",
            )


def _duplicates(tree: ContentTree, what: str, items: list[tuple[str, Where]]) -> None:
    first: dict[str, Where] = {}
    for slug, where in items:
        if slug and slug in first:
            earlier = first[slug]
            tree.problems.append(
                Problem(
                    where.path,
                    where.line,
                    f"duplicate {what} slug '{slug}' (first at {earlier.path}:{earlier.line})",
                )
            )
        first.setdefault(slug, where)


def check_across_courses(tree: ContentTree) -> None:
    courses = [(c.slug, Where(f"{c.path}/{COURSE_FILE}", c.slug_line)) for c in tree.courses]
    _duplicates(tree, "course", courses)
    authors: dict[str, AuthorSource] = {}
    for course in tree.courses:
        for author in course.authors:
            other = authors.setdefault(author.slug, author)
            if other != author:
                tree.problems.append(
                    Problem(
                        author.where.path,
                        author.where.line,
                        f"author '{author.slug}' differs from its entry in {other.where.path}",
                    )
                )
