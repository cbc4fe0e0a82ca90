"""course industries: a course's industries come from its files, not a list in the code

The industries of each course that is already loaded are the four the code knew, with the
names it gave them; the next ``kurswerk content load`` takes them over from the files.
Variants no longer check their industry against a fixed list (a second course may have
other industries); the content check does, against its course's.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06 23:30:00.000000
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
import sqlmodel

from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# What the code named them until this revision (course/industries.py), in its order.
_KNOWN = (
    ("media", {"de": "Medien", "en": "Media"}),
    ("fmcg", {"de": "FMCG (Markenunternehmen)", "en": "FMCG (brand manufacturers)"}),
    ("retail", {"de": "Handel (Filialisten)", "en": "Retail (chain stores)"}),
    ("b2b", {"de": "B2B", "en": "B2B"}),
)


def upgrade() -> None:
    industries = op.create_table(
        "course_industry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("slug", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("names", sa.JSON(), nullable=False),
        sa.Column("archived_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["course_id"], ["course.id"], name=op.f("fk_course_industry_course_id_course")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_course_industry")),
        sa.UniqueConstraint("course_id", "slug", name=op.f("uq_course_industry_course_id_slug")),
    )
    with op.batch_alter_table("course_industry", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_course_industry_course_id"), ["course_id"], unique=False
        )
    connection = op.get_bind()
    course_ids = connection.execute(sa.text("SELECT id FROM course ORDER BY id")).scalars().all()
    now = datetime.now(UTC)
    rows = [
        {
            "course_id": course_id,
            "slug": slug,
            "position": position,
            "names": names,
            "archived_at": None,
            "updated_at": now,
        }
        for course_id in course_ids
        for position, (slug, names) in enumerate(_KNOWN)
    ]
    if rows:
        op.bulk_insert(industries, rows)
    with op.batch_alter_table("exercise_variant", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_exercise_variant_industry"), type_="check")


def downgrade() -> None:
    with op.batch_alter_table("exercise_variant", schema=None) as batch_op:
        batch_op.create_check_constraint(
            op.f("ck_exercise_variant_industry"), "industry IN ('media', 'fmcg', 'retail', 'b2b')"
        )
    op.drop_table("course_industry")
