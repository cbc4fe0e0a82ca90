"""The reading pages' shared HTML, rendered once (issue 16).

What a lesson page shows the same way to every reader of a course version, in an LMS
course and a language (the lesson's header, its text, the table of contents, exercises,
worksheets, further reading), is rendered once from the page's own template (its blocks
marked for it) and kept here; a request renders only what is personal around it (the
person, the CSRF token, progress, the panels at the end of the page).

Nothing personal is ever in a cached part. The one thing the shared parts carry that
differs per reader is the page token in their links: they are rendered with
:data:`PAGE_TOKEN_MARK` in its place, which :func:`personal` replaces by the reader's
token. The key names the course's content version, which the page reads together with
the reader's progress on every request: a ``kurswerk content load`` (a new version) is
seen at once by every worker, without an extra query; entries of older versions age out
of the bounded cache.
"""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup

from course.views import LessonPage
from kurswerk.core.extensions import extensions
from kurswerk.core.templating import environment, page_context, page_link

PAGE_TOKEN_MARK = "kwpagetoken" + secrets.token_hex(12)
"""Where the reader's page token goes in a cached part (letters and digits only, so a
link's query encoding leaves it as it is; random per process, so no lesson text can
contain it)."""


class RenderCache:
    """A bounded, least-recently-used map from a page's key to its shared parts."""

    def __init__(self, maxsize: int) -> None:
        self.maxsize = maxsize
        self._entries: OrderedDict[Hashable, tuple[str, ...]] = OrderedDict()
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        return self.maxsize > 0

    def get(self, key: Hashable) -> tuple[str, ...] | None:
        with self._lock:
            parts = self._entries.get(key)
            if parts is not None:
                self._entries.move_to_end(key)
            return parts

    def put(self, key: Hashable, parts: tuple[str, ...]) -> None:
        with self._lock:
            self._entries[key] = parts
            self._entries.move_to_end(key)
            while len(self._entries) > self.maxsize:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)


LESSONS = RenderCache(512)
"""Lesson pages: (slots' generation, LMS course, language, course, content version,
lesson)."""

LESSON_TEMPLATE = "course/lesson.html"
LESSON_PARTS = ("lesson_head", "lesson_body")
"""The blocks of the lesson template that are the same for every reader."""


def lesson_response(
    request: Request, page: LessonPage, links: list[tuple[str, str]], end: list[Any]
) -> HTMLResponse:
    """The lesson page: the personal parts rendered for this request, around the shared
    ones from :data:`LESSONS` (rendered and kept on a miss). A page without a page token
    (opened from an email link) or with the cache switched off is rendered whole."""
    context = page_context(request)
    context.update(page=page, links=links, end=end)
    template = environment.get_template(LESSON_TEMPLATE)
    token = context["page_token"]
    principal = context["principal"]
    if token and principal is not None and LESSONS.enabled:
        view = page.view
        key = (
            extensions.generation,  # the links the rooms give (their slots)
            principal.context_id,
            context["locale"],
            view.course_id,
            view.content_version,
            view.lesson_id,
        )
        parts = LESSONS.get(key)
        if parts is None:
            parts = render_parts(template, LESSON_PARTS, _shared_context(context, page, links))
            LESSONS.put(key, parts)
        context["shared"] = personal(parts, token)
    return HTMLResponse(template.render(context))


def _shared_context(
    context: dict[str, Any], page: LessonPage, links: list[tuple[str, str]]
) -> dict[str, Any]:
    """What the shared parts are rendered with: the page's functions (translations in its
    language, paths) and the lesson, but no person, no token, no progress: a block that
    asked for one would show it empty (and the tests comparing the cached page with the
    page rendered whole would fail)."""
    principal = context["principal"]
    shared = {name: value for name, value in context.items() if name not in _PERSONAL}
    view = page.view
    shared.update(
        principal=_Reader(principal.context_id),
        page=_Lesson(view),
        v=view,
        lang=view.language,
        links=links,
        link=page_link(PAGE_TOKEN_MARK),
    )
    return shared


_PERSONAL = frozenset(
    {"request", "principal", "page", "end", "page_token", "csrf_token", "shared", "link"}
)


class _Reader:
    """The reader as the shared parts see them: only the LMS course."""

    __slots__ = ("context_id",)

    def __init__(self, context_id: int) -> None:
        self.context_id = context_id


class _Lesson:
    """The page as the shared parts see it: only the lesson (not whether it was read)."""

    __slots__ = ("view",)

    def __init__(self, view: Any) -> None:
        self.view = view


def render_parts(template: Any, names: tuple[str, ...], context: dict[str, Any]) -> tuple[str, ...]:
    """The blocks ``names`` of ``template`` rendered alone with ``context`` (which must
    hold nothing personal: its ``link`` adds :data:`PAGE_TOKEN_MARK`)."""
    ctx = template.new_context(context)
    return tuple("".join(template.blocks[name](ctx)) for name in names)


def personal(parts: tuple[str, ...], page_token: str) -> tuple[Markup, ...]:
    """The cached parts with the reader's page token in their links."""
    return tuple(Markup(part.replace(PAGE_TOKEN_MARK, page_token)) for part in parts)  # noqa: S704 - rendered with autoescape
