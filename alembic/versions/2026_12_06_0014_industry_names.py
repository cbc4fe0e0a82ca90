"""industry names: the course files no longer name an industry; Kurswerk does

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 20:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("exercise_variant", schema=None) as batch_op:
        batch_op.drop_column("label")


def downgrade() -> None:
    with op.batch_alter_table("exercise_variant", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "label",
                sqlmodel.sql.sqltypes.AutoString(length=200),
                nullable=False,
                server_default="",
            )
        )
