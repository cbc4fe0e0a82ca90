"""roster membership: people's roles in an LMS course as its roster (NRPS) lists them

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 12:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "lti_roster_membership",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("context_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("role", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["context_id"],
            ["lms_context.id"],
            name=op.f("fk_lti_roster_membership_context_id_lms_context"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["lti_user.id"],
            name=op.f("fk_lti_roster_membership_user_id_lti_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lti_roster_membership")),
        sa.UniqueConstraint(
            "context_id", "user_id", name=op.f("uq_lti_roster_membership_context_id_user_id")
        ),
    )
    with op.batch_alter_table("lti_roster_membership", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_lti_roster_membership_context_id"), ["context_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_lti_roster_membership_user_id"), ["user_id"], unique=False
        )


def downgrade() -> None:
    op.drop_table("lti_roster_membership")
