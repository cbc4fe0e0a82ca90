"""The outbox table: one row per email or LMS service call that a change has caused.

A row is written in the same transaction as the change (``kurswerk.core.outbox.queue.enqueue``), so
it exists exactly when the change committed; ``kurswerk worker`` delivers it later. The
life of a row::

    pending ──claim──▶ sending ──▶ sent
       ▲                  │  └────▶ failed   (permanent error, or attempts exhausted)
       └── retry (backoff)┘
    skipped                          (written that way: nothing to deliver, reason kept)

A ``sending`` row whose lease (``locked_until``) ran out belongs to a worker that died; the
next claim takes it over. ``claim_token`` fences the old worker out: its late "sent" or
"retry" no longer matches and changes nothing.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any
from uuid import uuid4

from sqlalchemy import JSON, CheckConstraint, Column, Index, Text
from sqlmodel import Field, SQLModel

from kurswerk.core.db import timestamp_now, timestamp_or_none


def _new_uid() -> str:
    return uuid4().hex


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    SKIPPED = "skipped"


class OutboxMessage(SQLModel, table=True):
    __tablename__ = "outbox_message"
    __table_args__ = (
        CheckConstraint(
            "status IN ('pending', 'sending', 'sent', 'failed', 'skipped')", name="status"
        ),
        # The claim query: due pending rows, oldest first.
        Index("ix_outbox_message_status_next_attempt_at", "status", "next_attempt_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    uid: str = Field(default_factory=_new_uid, max_length=32, unique=True)
    """Stable public id: the email's Message-ID and an LMS call's idempotency reference."""
    kind: str = Field(max_length=32)
    """Which handler delivers it: ``email``, ``lms_call``..."""
    dedup_key: str | None = Field(default=None, max_length=255, unique=True)
    """Caller's idempotency key (``receipt:submission:42``): a second enqueue is a no-op."""
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    status: str = Field(default=OutboxStatus.PENDING, max_length=16)
    attempts: int = 0
    """Claims so far; counted at claim time, so a delivery that kills its worker counts too."""
    next_attempt_at: datetime = timestamp_now()
    locked_until: datetime | None = timestamp_or_none()
    claim_token: str | None = Field(default=None, max_length=32)
    last_error: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    skipped_reason: str | None = Field(default=None, max_length=255)
    created_at: datetime = timestamp_now()
    sent_at: datetime | None = timestamp_or_none()
