"""office hours: tutors' weekly series, their bookable slots, and learners' bookings

New tables only; nothing existing changes. A slot holds one booking that is not
cancelled (a partial unique index, on SQLite and PostgreSQL alike).

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07 05:47:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "office_hour_series",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("context_id", sa.Integer(), nullable=False),
        sa.Column("tutor_user_id", sa.Integer(), nullable=False),
        sa.Column("weekday", sa.Integer(), nullable=False),
        sa.Column("local_start", sa.Time(), nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.Column("timezone", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("form", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("details", sa.Text(), nullable=False),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "form IN ('video', 'phone', 'on_site')", name=op.f("ck_office_hour_series_form")
        ),
        sa.CheckConstraint(
            "duration_minutes BETWEEN 5 AND 480", name=op.f("ck_office_hour_series_duration")
        ),
        sa.CheckConstraint("last_day >= first_day", name=op.f("ck_office_hour_series_period")),
        sa.CheckConstraint("weekday BETWEEN 0 AND 6", name=op.f("ck_office_hour_series_weekday")),
        sa.ForeignKeyConstraint(
            ["context_id"],
            ["lms_context.id"],
            name=op.f("fk_office_hour_series_context_id_lms_context"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tutor_user_id"],
            ["lti_user.id"],
            name=op.f("fk_office_hour_series_tutor_user_id_lti_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_office_hour_series")),
    )
    with op.batch_alter_table("office_hour_series", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_office_hour_series_context_id"), ["context_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_office_hour_series_tutor_user_id"), ["tutor_user_id"], unique=False
        )

    op.create_table(
        "office_hour_slot",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("context_id", sa.Integer(), nullable=False),
        sa.Column("tutor_user_id", sa.Integer(), nullable=False),
        sa.Column("series_id", sa.Integer(), nullable=True),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("form", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("details", sa.Text(), nullable=False),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("withdrawn_by_user_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "form IN ('video', 'phone', 'on_site')", name=op.f("ck_office_hour_slot_form")
        ),
        sa.CheckConstraint("ends_at > starts_at", name=op.f("ck_office_hour_slot_period")),
        sa.ForeignKeyConstraint(
            ["context_id"],
            ["lms_context.id"],
            name=op.f("fk_office_hour_slot_context_id_lms_context"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["series_id"],
            ["office_hour_series.id"],
            name=op.f("fk_office_hour_slot_series_id_office_hour_series"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["tutor_user_id"],
            ["lti_user.id"],
            name=op.f("fk_office_hour_slot_tutor_user_id_lti_user"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["withdrawn_by_user_id"],
            ["lti_user.id"],
            name=op.f("fk_office_hour_slot_withdrawn_by_user_id_lti_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_office_hour_slot")),
    )
    with op.batch_alter_table("office_hour_slot", schema=None) as batch_op:
        batch_op.create_index(
            "ix_office_hour_slot_context_start", ["context_id", "starts_at"], unique=False
        )
        batch_op.create_index(
            "ix_office_hour_slot_tutor_start", ["tutor_user_id", "starts_at"], unique=False
        )
        batch_op.create_index(
            "uq_office_hour_slot_series_start",
            ["series_id", "starts_at"],
            unique=True,
            sqlite_where=sa.text("series_id IS NOT NULL"),
            postgresql_where=sa.text("series_id IS NOT NULL"),
        )

    op.create_table(
        "office_hour_booking",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("context_id", sa.Integer(), nullable=False),
        sa.Column("slot_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("grant_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("month", sqlmodel.sql.sqltypes.AutoString(length=7), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("spends_hour", sa.Boolean(), nullable=False),
        sa.Column("topic", sa.Text(), nullable=False),
        sa.Column("file_key", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("file_name", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True),
        sa.Column("file_size", sa.Integer(), nullable=True),
        sa.Column("note_private", sa.Text(), nullable=False),
        sa.Column("note_shared", sa.Text(), nullable=False),
        sa.Column("uid", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("booked_by_user_id", sa.Integer(), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancelled_by_user_id", sa.Integer(), nullable=True),
        sa.Column("outcome_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("outcome_by_user_id", sa.Integer(), nullable=True),
        sa.Column("reminder_sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('booked', 'cancelled', 'held', 'no_show')",
            name=op.f("ck_office_hour_booking_status"),
        ),
        sa.CheckConstraint("sequence >= 0", name=op.f("ck_office_hour_booking_sequence")),
        sa.ForeignKeyConstraint(
            ["booked_by_user_id"],
            ["lti_user.id"],
            name=op.f("fk_office_hour_booking_booked_by_user_id_lti_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["cancelled_by_user_id"],
            ["lti_user.id"],
            name=op.f("fk_office_hour_booking_cancelled_by_user_id_lti_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["context_id"],
            ["lms_context.id"],
            name=op.f("fk_office_hour_booking_context_id_lms_context"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["grant_id"],
            ["coaching_grant.id"],
            name=op.f("fk_office_hour_booking_grant_id_coaching_grant"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["outcome_by_user_id"],
            ["lti_user.id"],
            name=op.f("fk_office_hour_booking_outcome_by_user_id_lti_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["slot_id"],
            ["office_hour_slot.id"],
            name=op.f("fk_office_hour_booking_slot_id_office_hour_slot"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["lti_user.id"],
            name=op.f("fk_office_hour_booking_user_id_lti_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_office_hour_booking")),
        sa.UniqueConstraint("uid", name=op.f("uq_office_hour_booking_uid")),
    )
    with op.batch_alter_table("office_hour_booking", schema=None) as batch_op:
        batch_op.create_index(
            "ix_office_hour_booking_grant_month", ["grant_id", "month"], unique=False
        )
        batch_op.create_index(
            "ix_office_hour_booking_learner", ["context_id", "user_id", "starts_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_office_hour_booking_slot_id"), ["slot_id"], unique=False
        )
        batch_op.create_index(
            "uq_office_hour_booking_live_slot",
            ["slot_id"],
            unique=True,
            sqlite_where=sa.text("status <> 'cancelled'"),
            postgresql_where=sa.text("status <> 'cancelled'"),
        )


def downgrade() -> None:
    with op.batch_alter_table("office_hour_booking", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_office_hour_booking_live_slot",
            sqlite_where=sa.text("status <> 'cancelled'"),
            postgresql_where=sa.text("status <> 'cancelled'"),
        )
        batch_op.drop_index(batch_op.f("ix_office_hour_booking_slot_id"))
        batch_op.drop_index("ix_office_hour_booking_learner")
        batch_op.drop_index("ix_office_hour_booking_grant_month")

    op.drop_table("office_hour_booking")
    with op.batch_alter_table("office_hour_slot", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_office_hour_slot_series_start",
            sqlite_where=sa.text("series_id IS NOT NULL"),
            postgresql_where=sa.text("series_id IS NOT NULL"),
        )
        batch_op.drop_index("ix_office_hour_slot_tutor_start")
        batch_op.drop_index("ix_office_hour_slot_context_start")

    op.drop_table("office_hour_slot")
    with op.batch_alter_table("office_hour_series", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_office_hour_series_tutor_user_id"))
        batch_op.drop_index(batch_op.f("ix_office_hour_series_context_id"))

    op.drop_table("office_hour_series")
