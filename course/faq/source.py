"""FAQ entries as content files: ``<course>/faq/<lesson>.yaml``, read and checked.

The format (the guide for authors is ``content/README.md``)::

    lesson: kundenbeziehungen
    entries:
      - key: was-sind-kundenbeziehungen        # a slug, unique in the lesson; never change it
        question: Was sind Kundenbeziehungen?
        from_lesson: definition-der-kundenbeziehungen   # optional, see below
        answer: >-
          Kundenbeziehungen sind die Beziehungen, ...   # Markdown (links, lists, emphasis)

``from_lesson`` names the lesson section (a heading's id) whose words the answer quotes.
``check`` then insists the answer *is* a quotation: every paragraph and list item of the
answer must occur word for word in the lesson text, so the owner's wording cannot drift
while the file is edited. Pages mark such answers as quoted from the lesson and link the
section. The order of the entries is the order on the page.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import nh3

from course.content.checks import named_lesson
from course.content.files import SourceFile
from course.content.model import ContentTree, CourseSource, FaqSource, Where
from kurswerk.core.usertext import plain_text

MAX_QUESTION = 300
MAX_ANSWER = 20_000


def read_faq(tree: ContentTree, path: Path) -> list[FaqSource]:
    f = SourceFile(tree, path)
    data = f.yaml_file(path, {"lesson", "entries"}, "a FAQ file")
    if data is None:
        return []
    lesson = f.slug(data, "lesson")
    if lesson and lesson != path.stem:
        f.problem(data.line_of("lesson"), f"lesson '{lesson}' must match the file name")
    allowed = {"key", "question", "answer", "from_lesson"}
    entries = []
    for entry in f.entries(data, "entries", allowed, "a FAQ entry"):
        entries.append(
            FaqSource(
                lesson=lesson,
                key=f.slug(entry, "key"),
                question=f.text(entry, "question", limit=MAX_QUESTION),
                answer=f.text(entry, "answer", limit=MAX_ANSWER),
                from_lesson=f.slug(entry, "from_lesson", required=False) or None,
                where=Where(f.path, entry.line_of("key")),
                lesson_line=data.line_of("lesson"),
                from_lesson_line=entry.line_of("from_lesson"),
                answer_line=entry.line_of("answer"),
            )
        )
    return entries


def check_faq(tree: ContentTree, course: CourseSource) -> None:
    """The lesson exists, keys are unique per lesson, quotations are word for word."""
    lessons = {lesson.slug: lesson for lesson in course.lessons}
    texts: dict[str, str] = {}
    first: dict[tuple[str, str], Where] = {}
    for entry in course.faq:
        f = SourceFile(tree, Path(entry.where.path))
        lesson = named_lesson(f, lessons, entry.lesson, entry.lesson_line)
        if lesson is None:
            continue
        seen = first.setdefault((entry.lesson, entry.key), entry.where)
        if entry.key and seen is not entry.where:
            f.problem(
                entry.where.line,
                f"duplicate FAQ key '{entry.key}' (first at {seen.path}:{seen.line})",
            )
        if entry.from_lesson is None:
            continue
        if entry.from_lesson not in lesson.rendered.ids:
            f.problem(
                entry.from_lesson_line,
                f"from_lesson '{entry.from_lesson}': lesson '{lesson.slug}' has no such id",
            )
            continue
        if lesson.slug not in texts:
            texts[lesson.slug] = lesson_text(lesson.rendered.html)
        for passage in quoted_passages(entry.answer):
            if passage not in texts[lesson.slug]:
                f.problem(
                    entry.answer_line,
                    f"the answer is marked as quoted from the lesson, but this is not in "
                    f"its text word for word: '{passage[:80]}'",
                )


def _normalise(text: str) -> str:
    return " ".join(text.split())


def quoted_passages(answer: str) -> list[str]:
    """Each paragraph / list item of a Markdown answer as plain text."""
    return [_normalise(line) for line in plain_text(answer).splitlines() if line.strip()]


def lesson_text(lesson_html: str) -> str:
    """The words of rendered lesson HTML as plain text, whitespace collapsed."""
    return _normalise(html.unescape(nh3.clean(lesson_html, tags=set())))


def section_title(lesson_html: str, anchor: str) -> str:
    """The text of the heading with id ``anchor`` in rendered lesson HTML ("" if none)."""
    match = re.search(
        rf'<h([2-6])[^>]*\bid="{re.escape(anchor)}"[^>]*>(.*?)</h\1>', lesson_html, re.DOTALL
    )
    if match is None:
        return ""
    return _normalise(html.unescape(nh3.clean(match.group(2), tags=set())))
