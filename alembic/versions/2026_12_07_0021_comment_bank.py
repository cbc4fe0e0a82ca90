"""comment bank: the tutors' snippets and each exercise's feedback template, per LMS course

New tables only; nothing existing changes. ``comment_snippet`` belongs to an LMS course
and the course it shows; its ``title_key`` and ``search_text`` hold the title and title +
text case-folded, which search matches in SQL (``feedback/comment_bank/search.py``);
``ix_comment_snippet_scope`` narrows a search to one LMS course's snippets.
``feedback_template`` holds an LMS course's own template of an exercise (one at most).

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07 08:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "comment_snippet",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("context_id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("exercise_id", sa.Integer(), nullable=True),
        sa.Column("industry", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("body_markdown", sa.Text(), nullable=False),
        sa.Column("title_key", sa.Text(), nullable=False),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.Column("use_count", sa.Integer(), nullable=False),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_by_user_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("use_count >= 0", name=op.f("ck_comment_snippet_use_count")),
        sa.ForeignKeyConstraint(
            ["context_id"],
            ["lms_context.id"],
            name=op.f("fk_comment_snippet_context_id_lms_context"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["course_id"], ["course.id"], name=op.f("fk_comment_snippet_course_id_course")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_user_id"],
            ["lti_user.id"],
            name=op.f("fk_comment_snippet_created_by_user_id_lti_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["exercise_id"], ["exercise.id"], name=op.f("fk_comment_snippet_exercise_id_exercise")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_comment_snippet")),
    )
    with op.batch_alter_table("comment_snippet", schema=None) as batch_op:
        batch_op.create_index(
            "ix_comment_snippet_scope", ["context_id", "course_id", "exercise_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_comment_snippet_created_by_user_id"),
            ["created_by_user_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_comment_snippet_exercise_id"), ["exercise_id"], unique=False
        )

    op.create_table(
        "feedback_template",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("context_id", sa.Integer(), nullable=False),
        sa.Column("exercise_id", sa.Integer(), nullable=False),
        sa.Column("body_markdown", sa.Text(), nullable=False),
        sa.Column("updated_by_user_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["context_id"],
            ["lms_context.id"],
            name=op.f("fk_feedback_template_context_id_lms_context"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["exercise_id"],
            ["exercise.id"],
            name=op.f("fk_feedback_template_exercise_id_exercise"),
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_user_id"],
            ["lti_user.id"],
            name=op.f("fk_feedback_template_updated_by_user_id_lti_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback_template")),
        sa.UniqueConstraint(
            "context_id", "exercise_id", name=op.f("uq_feedback_template_context_id_exercise_id")
        ),
    )
    with op.batch_alter_table("feedback_template", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_feedback_template_exercise_id"), ["exercise_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_feedback_template_updated_by_user_id"),
            ["updated_by_user_id"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("feedback_template", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_feedback_template_updated_by_user_id"))
        batch_op.drop_index(batch_op.f("ix_feedback_template_exercise_id"))
    op.drop_table("feedback_template")
    with op.batch_alter_table("comment_snippet", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_comment_snippet_exercise_id"))
        batch_op.drop_index(batch_op.f("ix_comment_snippet_created_by_user_id"))
        batch_op.drop_index("ix_comment_snippet_scope")
    op.drop_table("comment_snippet")
