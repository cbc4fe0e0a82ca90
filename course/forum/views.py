"""What the forum pages (and emails) show, as plain values, and the one rule of anonymity.

``author_label`` is the only place that turns an author into something shown. For an
anonymous post seen by another learner it returns a label *without* the name or the
user id, so no template, fragment or email built from it can leak them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from markupsafe import Markup

from kurswerk.core.auth import Principal

MODERATOR_ROLES = ("tutor", "admin")


@dataclass(frozen=True)
class Viewer:
    """Who is looking: a user, and whether they moderate this LMS course."""

    user_id: int
    moderator: bool

    @classmethod
    def of(cls, principal: Principal, moderator: bool) -> Viewer:
        return cls(principal.user_id, moderator)


@dataclass(frozen=True)
class AuthorLabel:
    """``name`` is None exactly when the viewer must not know who wrote it."""

    name: str | None
    is_self: bool = False
    anonymous: bool = False
    """Posted anonymously (peers see "Anonym"; the author and tutors see the note)."""
    tutor: bool = False
    gone: bool = False
    """The author's account no longer exists."""


def author_label(
    *,
    author_id: int | None,
    anonymous: bool,
    author_role: str,
    viewer: Viewer,
    names: dict[int, str],
) -> AuthorLabel:
    is_self = author_id is not None and author_id == viewer.user_id
    tutor = author_role in MODERATOR_ROLES
    if anonymous and not tutor and not is_self and not viewer.moderator:
        return AuthorLabel(name=None, anonymous=True)
    if author_id is None:
        return AuthorLabel(name="", gone=True, tutor=tutor)
    return AuthorLabel(
        name=names.get(author_id, ""), is_self=is_self, anonymous=anonymous, tutor=tutor
    )


@dataclass(frozen=True)
class ThreadRow:
    id: int
    title: str
    author: AuthorLabel
    created_at: datetime
    last_post_at: datetime
    reply_count: int
    pinned: bool
    locked: bool
    answered: bool
    accepted: bool
    unread: bool
    hidden: bool


@dataclass(frozen=True)
class LessonRef:
    slug: str
    title: str
    language: str = "de"


@dataclass(frozen=True)
class ThreadList:
    course_title: str
    lesson: LessonRef
    rows: tuple[ThreadRow, ...]
    page: int
    pages: int
    total: int
    query: str = ""
    scope: str = "lesson"
    subscribed: bool = False
    moderator: bool = False
    lesson_titles: dict[int, LessonRef] = field(default_factory=dict)
    row_lessons: dict[int, LessonRef] = field(default_factory=dict)
    """For course-wide search: the lesson of each row."""


@dataclass(frozen=True)
class PostView:
    id: int
    author: AuthorLabel
    body_html: Markup
    created_at: datetime
    edited_at: datetime | None
    is_question: bool
    accepted: bool
    hidden: bool
    deleted: bool
    is_new: bool
    can_edit: bool
    can_delete: bool
    can_report: bool
    can_accept: bool


@dataclass(frozen=True)
class ThreadPage:
    course_title: str
    lesson: LessonRef
    id: int
    title: str
    author: AuthorLabel
    anonymous: bool
    pinned: bool
    locked: bool
    hidden: bool
    posts: tuple[PostView, ...]
    page: int
    pages: int
    subscribed: bool
    moderator: bool
    can_reply: bool
    faq_entry_id: int | None
    move_targets: tuple[LessonRef, ...] = ()


@dataclass(frozen=True)
class Suggestion:
    """A similar FAQ entry or thread, shown while a question is being written."""

    kind: str  # "faq" | "thread"
    id: int
    title: str
    excerpt: str
    answered: bool = False
    lesson_slug: str = ""
