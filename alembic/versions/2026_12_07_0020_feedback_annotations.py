"""feedback annotations: the tutor's annotations per submission version, and the
annotated PDF a release writes

A new table ``feedback_annotation_set`` (one row per submission version, a JSON text
column and a revision counter for optimistic concurrency), and two nullable columns on
``feedback`` for the learner's PDF with the annotations written in (stored beside a PDF
the tutor attached). Existing rows keep their values; nothing is backfilled.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "feedback_annotation_set",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_version_id", sa.Integer(), nullable=False),
        sa.Column("annotations", sa.Text(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("editor_user_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("revision >= 1", name=op.f("ck_feedback_annotation_set_revision")),
        sa.ForeignKeyConstraint(
            ["editor_user_id"],
            ["lti_user.id"],
            name=op.f("fk_feedback_annotation_set_editor_user_id_lti_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["submission_version_id"],
            ["submission_version.id"],
            name=op.f("fk_feedback_annotation_set_submission_version_id_submission_version"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback_annotation_set")),
        sa.UniqueConstraint(
            "submission_version_id",
            name=op.f("uq_feedback_annotation_set_submission_version_id"),
        ),
    )
    with op.batch_alter_table("feedback", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("annotated_key", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True)
        )
        batch_op.add_column(
            sa.Column("annotated_name", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("feedback", schema=None) as batch_op:
        batch_op.drop_column("annotated_name")
        batch_op.drop_column("annotated_key")
    op.drop_table("feedback_annotation_set")
