"""Tables of the coaching room: packages, grants and their audit log (kept forever)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    Date,
    Index,
    Text,
    UniqueConstraint,
)
from sqlmodel import Field, SQLModel

from kurswerk.core.db import timestamp_now, timestamp_or_none


class CoachingPackage(SQLModel, table=True):
    """What a coaching package includes; admins of a platform manage their own."""

    __tablename__ = "coaching_package"
    __table_args__ = (UniqueConstraint("platform_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    platform_id: int = Field(foreign_key="platform.id", index=True, ondelete="CASCADE")
    name: str = Field(max_length=200)
    description: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    # Written feedback on how many submissions; None means unlimited.
    feedback_quota: int | None = Field(default=None, ge=0)
    office_hours_per_month: int = Field(default=0, ge=0)
    valid_from: date | None = Field(default=None, sa_column=Column(Date, nullable=True))
    valid_until: date | None = Field(default=None, sa_column=Column(Date, nullable=True))
    archived_at: datetime | None = timestamp_or_none()
    created_at: datetime = timestamp_now()
    updated_at: datetime = timestamp_now()


class CoachingGrant(SQLModel, table=True):
    """A package given to a person in one LMS course.

    By LMS user (someone who has launched) or by email before their first launch: an
    email grant is resolved to the user when a launch brings that email.
    """

    __tablename__ = "coaching_grant"
    __table_args__ = (
        CheckConstraint("user_id IS NOT NULL OR email IS NOT NULL", name="grantee"),
        Index("ix_coaching_grant_context_user", "context_id", "user_id"),
        Index("ix_coaching_grant_context_email", "context_id", "email"),
    )

    id: int | None = Field(default=None, primary_key=True)
    package_id: int = Field(foreign_key="coaching_package.id", index=True, ondelete="CASCADE")
    context_id: int = Field(foreign_key="lms_context.id", ondelete="CASCADE")
    user_id: int | None = Field(default=None, foreign_key="lti_user.id", ondelete="CASCADE")
    email: str | None = Field(default=None, max_length=320)
    valid_from: date | None = Field(default=None, sa_column=Column(Date, nullable=True))
    valid_until: date | None = Field(default=None, sa_column=Column(Date, nullable=True))
    revoked_at: datetime | None = timestamp_or_none()
    created_by_user_id: int | None = Field(
        default=None, foreign_key="lti_user.id", ondelete="SET NULL"
    )
    created_at: datetime = timestamp_now()
    updated_at: datetime = timestamp_now()


class CoachingAuditEntry(SQLModel, table=True):
    """Who changed which package or grant, when, and how (kept forever)."""

    __tablename__ = "coaching_audit"

    id: int | None = Field(default=None, primary_key=True)
    platform_id: int = Field(foreign_key="platform.id", index=True, ondelete="CASCADE")
    package_id: int | None = Field(
        default=None, foreign_key="coaching_package.id", ondelete="SET NULL"
    )
    grant_id: int | None = Field(default=None, foreign_key="coaching_grant.id", ondelete="SET NULL")
    actor_user_id: int | None = Field(default=None, foreign_key="lti_user.id", ondelete="SET NULL")
    actor_label: str = Field(max_length=200)  # "Ada Admin" or "cli:root"
    action: str = Field(max_length=32)  # package_created, granted, revoked, extended, ...
    detail: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    at: datetime = timestamp_now()
