"""queue filter index: the tutor queue filtered by exercise and industry stays an index range

Revision ID: 0008
Revises: 0009
Create Date: 2026-11-22 13:00:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("submission", schema=None) as batch_op:
        batch_op.create_index(
            "ix_submission_queue_filter",
            ["context_id", "status", "exercise_id", "industry", "submitted_at"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("submission", schema=None) as batch_op:
        batch_op.drop_index("ix_submission_queue_filter")
