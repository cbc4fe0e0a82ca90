"""worksheet templates: a worksheet keeps its step's items and its table, and may carry
the owner's own file

The process-step card as HTML (``step_html``) gives way to the step's items as plain text
(``step_items``) and the table the front matter declares (``layout``): the worksheet page
and its template files are built from them. Rows loaded before start empty (no items, the
default table) until the next ``kurswerk content load`` fills them. ``worksheet_file``
holds an owner's own file, copied in at load.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07 06:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("worksheet", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("step_items", sa.JSON(), nullable=False, server_default=sa.text("'[]'"))
        )
        batch_op.add_column(
            sa.Column("layout", sa.JSON(), nullable=False, server_default=sa.text("'{}'"))
        )
        batch_op.drop_column("step_html")
    with op.batch_alter_table("worksheet", schema=None) as batch_op:
        batch_op.alter_column("step_items", server_default=None)
        batch_op.alter_column("layout", server_default=None)
    op.create_table(
        "worksheet_file",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("worksheet_id", sa.Integer(), nullable=False),
        sa.Column("path", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("media_type", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("extension", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["worksheet_id"],
            ["worksheet.id"],
            name=op.f("fk_worksheet_file_worksheet_id_worksheet"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_worksheet_file")),
        sa.UniqueConstraint("worksheet_id", name=op.f("uq_worksheet_file_worksheet_id")),
    )


def downgrade() -> None:
    op.drop_table("worksheet_file")
    with op.batch_alter_table("worksheet", schema=None) as batch_op:
        batch_op.add_column(sa.Column("step_html", sa.Text(), nullable=False, server_default=""))
        batch_op.drop_column("layout")
        batch_op.drop_column("step_items")
