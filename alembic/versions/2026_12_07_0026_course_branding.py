"""course branding: a course's accent colour and logo, from its course.yaml

Three columns on ``course``, each empty for a course without them (Kurswerk's own look):
``accent`` (``#rrggbb``, checked for contrast when loaded), ``logo`` (a ``data:`` URI)
and ``logo_alt``.

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-07 19:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

from alembic import op

revision: str = "0026"
down_revision: str | None = "0025"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ALTER TABLE (no batch copy of ``course``: rows of other tables point at it).
    op.add_column(
        "course",
        sa.Column(
            "accent", sqlmodel.sql.sqltypes.AutoString(length=7), nullable=False, server_default=""
        ),
    )
    op.add_column("course", sa.Column("logo", sa.Text(), nullable=False, server_default=""))
    op.add_column(
        "course",
        sa.Column(
            "logo_alt",
            sqlmodel.sql.sqltypes.AutoString(length=200),
            nullable=False,
            server_default="",
        ),
    )


def downgrade() -> None:
    op.drop_column("course", "logo_alt")
    op.drop_column("course", "logo")
    op.drop_column("course", "accent")
