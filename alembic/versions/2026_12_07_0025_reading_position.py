"""reading position: where a reader last was in an LMS course (the lesson, the section)

A new table only; nothing existing changes. One row per person and LMS course
(``uq_reading_position_user_id_context_id``): the lesson they last opened and the heading
of it they last reached ("" for the lesson's top). The course home links back there.

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-07 12:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

from alembic import op

revision: str = "0025"
down_revision: str | None = "0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "reading_position",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("context_id", sa.Integer(), nullable=False),
        sa.Column("lesson_id", sa.Integer(), nullable=False),
        sa.Column("section", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["context_id"],
            ["lms_context.id"],
            name=op.f("fk_reading_position_context_id_lms_context"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["lesson_id"],
            ["lesson.id"],
            name=op.f("fk_reading_position_lesson_id_lesson"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["lti_user.id"],
            name=op.f("fk_reading_position_user_id_lti_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reading_position")),
        sa.UniqueConstraint(
            "user_id", "context_id", name=op.f("uq_reading_position_user_id_context_id")
        ),
    )
    with op.batch_alter_table("reading_position", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_reading_position_context_id"), ["context_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_reading_position_lesson_id"), ["lesson_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("reading_position", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reading_position_lesson_id"))
        batch_op.drop_index(batch_op.f("ix_reading_position_context_id"))
    op.drop_table("reading_position")
