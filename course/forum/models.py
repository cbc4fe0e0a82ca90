"""Tables of the lesson forums: threads, posts, who follows what, read state, reports, and
the stemmed search index shared with the FAQ.

A forum belongs to one lesson *within one LMS course* (``context_id``): learners of two
LMS courses that show the same content never see each other's threads. A thread's first
post is the question (``is_question``); ``last_post_id`` and ``reply_count`` are kept on
the thread so the list needs no aggregate over posts.

Nothing here is deleted by the forum itself: a deleted post keeps its row (its text
emptied) so replies, reports and "accepted" marks stay consistent.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from kurswerk.core.db import timestamp_now, timestamp_or_none


def row_id(value: int | None) -> int:
    """The id of a row read from the database or flushed to it (never None there)."""
    assert value is not None
    return value


class ForumThread(SQLModel, table=True):
    __tablename__ = "forum_thread"
    __table_args__ = (
        # The thread list of a lesson forum: pinned first, then latest activity. Covers
        # the learners' page query (visible threads only), deep pages included.
        Index(
            "ix_forum_thread_list",
            "context_id",
            "lesson_id",
            "deleted_at",
            "hidden_at",
            "pinned",
            "last_post_at",
            "id",
        ),
        # Unanswered questions, oldest first (the tutors' alert).
        Index("ix_forum_thread_unanswered", "first_answer_at", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    context_id: int = Field(foreign_key="lms_context.id", ondelete="CASCADE")
    lesson_id: int = Field(foreign_key="lesson.id", index=True)
    author_id: int | None = Field(default=None, foreign_key="lti_user.id", ondelete="SET NULL")
    anonymous: bool = False
    """The asker is hidden from other learners (tutors still see who asked)."""
    title: str = Field(max_length=200)
    created_at: datetime = timestamp_now()
    last_post_at: datetime = timestamp_now()
    last_post_id: int = 0
    """Id of the newest visible post (ids only grow): the unread marker compares it."""
    reply_count: int = 0
    first_answer_at: datetime | None = timestamp_or_none()
    """First reply by someone other than the asker; unset = unanswered."""
    accepted_post_id: int | None = None
    """The reply marked as the answer (no foreign key: posts point at threads)."""
    pinned: bool = False
    locked: bool = False
    hidden_at: datetime | None = timestamp_or_none()
    deleted_at: datetime | None = timestamp_or_none()
    unanswered_alert_at: datetime | None = timestamp_or_none()


class ForumPost(SQLModel, table=True):
    __tablename__ = "forum_post"
    __table_args__ = (
        Index("ix_forum_post_thread_id_id", "thread_id", "id"),
        # Flood protection counts one person's recent posts.
        Index("ix_forum_post_author_id_created_at", "author_id", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    thread_id: int = Field(foreign_key="forum_thread.id", ondelete="CASCADE")
    author_id: int | None = Field(default=None, foreign_key="lti_user.id", ondelete="SET NULL")
    author_role: str = Field(default="learner", max_length=16)
    """The author's Kurswerk role when they wrote it: tutor posts are marked as such."""
    anonymous: bool = False
    is_question: bool = False
    body: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    """Markdown as written; rendered through ``kurswerk.core.usertext`` when shown."""
    created_at: datetime = timestamp_now()
    edited_at: datetime | None = timestamp_or_none()
    hidden_at: datetime | None = timestamp_or_none()
    deleted_at: datetime | None = timestamp_or_none()


class ForumSubscription(SQLModel, table=True):
    """Someone follows a thread (``target = "thread:<id>"``) or a whole lesson forum
    (``"lesson:<id>"``) in one LMS course."""

    __tablename__ = "forum_subscription"
    __table_args__ = (
        UniqueConstraint("user_id", "context_id", "target"),
        Index("ix_forum_subscription_target", "context_id", "target"),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="lti_user.id", ondelete="CASCADE")
    context_id: int = Field(foreign_key="lms_context.id", ondelete="CASCADE")
    target: str = Field(max_length=32)
    lesson_id: int | None = Field(default=None, foreign_key="lesson.id")
    thread_id: int | None = Field(default=None, foreign_key="forum_thread.id", ondelete="CASCADE")
    created_at: datetime = timestamp_now()


class ForumNotifySetting(SQLModel, table=True):
    """How one person wants forum emails in one LMS course: one per post, or a daily
    digest. No row means one email per post."""

    __tablename__ = "forum_notify_setting"
    __table_args__ = (
        UniqueConstraint("user_id", "context_id"),
        CheckConstraint("delivery IN ('instant', 'digest')", name="delivery"),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="lti_user.id", ondelete="CASCADE")
    context_id: int = Field(foreign_key="lms_context.id", ondelete="CASCADE")
    delivery: str = Field(default="instant", max_length=16)
    last_digest_at: datetime | None = timestamp_or_none()
    """Posts after this go into the next digest."""


class ForumReadState(SQLModel, table=True):
    """The newest post of a thread one person has seen."""

    __tablename__ = "forum_read_state"
    __table_args__ = (UniqueConstraint("user_id", "thread_id"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="lti_user.id", ondelete="CASCADE")
    thread_id: int = Field(foreign_key="forum_thread.id", ondelete="CASCADE", index=True)
    last_read_post_id: int = 0
    updated_at: datetime = timestamp_now()


class ForumLessonRead(SQLModel, table=True):
    """ "Mark all as read" for a lesson forum: every post up to ``up_to_post_id`` counts as
    seen, without a row per thread."""

    __tablename__ = "forum_lesson_read"
    __table_args__ = (UniqueConstraint("user_id", "context_id", "lesson_id"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="lti_user.id", ondelete="CASCADE")
    context_id: int = Field(foreign_key="lms_context.id", ondelete="CASCADE")
    lesson_id: int = Field(foreign_key="lesson.id")
    up_to_post_id: int = 0
    updated_at: datetime = timestamp_now()


class ForumReport(SQLModel, table=True):
    """A post someone reported to the course's tutors, and what the tutors did."""

    __tablename__ = "forum_report"
    __table_args__ = (
        UniqueConstraint("post_id", "reporter_id"),
        Index("ix_forum_report_context_id_resolved_at", "context_id", "resolved_at"),
        CheckConstraint(
            "resolution IS NULL OR resolution IN ('hidden', 'deleted', 'dismissed')",
            name="resolution",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    post_id: int = Field(foreign_key="forum_post.id", ondelete="CASCADE")
    context_id: int = Field(foreign_key="lms_context.id", ondelete="CASCADE")
    reporter_id: int | None = Field(default=None, foreign_key="lti_user.id", ondelete="SET NULL")
    reason: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    created_at: datetime = timestamp_now()
    resolved_at: datetime | None = timestamp_or_none()
    resolved_by: int | None = Field(default=None, foreign_key="lti_user.id", ondelete="SET NULL")
    resolution: str | None = Field(default=None, max_length=16)


class SearchTerm(SQLModel, table=True):
    """The search index: one row per (document, stemmed word), written whenever a
    document changes (``course.forum.search``). Documents are forum threads (``kind =
    "thread"``: title and visible posts) and FAQ entries (``"faq"``).

    ``scope`` is the LMS course a document belongs to, or 0 for FAQ entries from the
    content files (shown in every LMS course). Only visible documents are indexed: a
    hidden or deleted thread has no rows. A derived table: no foreign keys, rebuilt by
    ``course.forum.search_rebuild`` (``kurswerk content reindex``).
    """

    __tablename__ = "search_term"
    __table_args__ = (
        # Covers the lookups: by kind and scope, term, then lesson, returning doc and weight.
        Index("ix_search_term_lookup", "kind", "scope", "term", "lesson_id", "doc_id", "weight"),
    )

    kind: str = Field(max_length=8, primary_key=True)
    doc_id: int = Field(primary_key=True)
    term: str = Field(max_length=64, primary_key=True)
    scope: int = 0
    lesson_id: int = 0
    weight: int = 1


class SearchVocab(SQLModel, table=True):
    """The distinct stems of the search index per kind and scope: what a query word can
    be found *inside* of ("communiti" in "brandcommuniti", see ``course.forum.search``).

    Written beside ``SearchTerm`` (a stem enters on the first document that holds it and
    stays when the document goes: an entry no document holds any more matches nothing).
    Each database keeps a substring index beside it, made by migration 0018 under the one
    name ``search_vocab_trigram``: on PostgreSQL a ``pg_trgm`` GIN index on ``term``, on
    SQLite an FTS5 table with the trigram tokenizer over this table (``id`` is its rowid,
    kept in step by triggers). Neither can be said in the models, so neither is here.
    """

    __tablename__ = "search_vocab"
    __table_args__ = (UniqueConstraint("kind", "scope", "term"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=8)
    scope: int = 0
    term: str = Field(max_length=64)
