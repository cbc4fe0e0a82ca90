"""platform frame origins: further origins allowed to frame the tool (Canvas cloud)

Revision ID: 0010
Revises: 0008
Create Date: 2026-12-03 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0010"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("platform", schema=None) as batch_op:
        batch_op.add_column(sa.Column("frame_origins", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("platform", schema=None) as batch_op:
        batch_op.drop_column("frame_origins")
