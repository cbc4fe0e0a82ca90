"""feedback dialogue: the read receipt, the one follow-up question and the rating of a
released feedback

New tables only; nothing existing changes. Each row belongs to one released feedback
(``feedback_id`` unique): ``feedback_read`` is the first time its learner opened it
(``ix_feedback_read_version`` serves the tutor queue's filter "released, not read");
``feedback_question`` the learner's one question and its answer
(``ix_feedback_question_queue``: a course's open questions, oldest first);
``feedback_rating`` how helpful the learner found it (1 to 5, and a comment).

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-07 09:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

from alembic import op

revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "feedback_question",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("feedback_id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("context_id", sa.Integer(), nullable=False),
        sa.Column("learner_user_id", sa.Integer(), nullable=False),
        sa.Column("tutor_user_id", sa.Integer(), nullable=True),
        sa.Column("body_markdown", sa.Text(), nullable=False),
        sa.Column("asked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answer_due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answer_markdown", sa.Text(), nullable=False),
        sa.Column("answered_by_user_id", sa.Integer(), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "(answered_at IS NULL) = (answer_markdown = '')",
            name=op.f("ck_feedback_question_answered"),
        ),
        sa.ForeignKeyConstraint(
            ["answered_by_user_id"],
            ["lti_user.id"],
            name=op.f("fk_feedback_question_answered_by_user_id_lti_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["context_id"],
            ["lms_context.id"],
            name=op.f("fk_feedback_question_context_id_lms_context"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["feedback_id"],
            ["feedback.id"],
            name=op.f("fk_feedback_question_feedback_id_feedback"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["learner_user_id"],
            ["lti_user.id"],
            name=op.f("fk_feedback_question_learner_user_id_lti_user"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["submission.id"],
            name=op.f("fk_feedback_question_submission_id_submission"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tutor_user_id"],
            ["lti_user.id"],
            name=op.f("fk_feedback_question_tutor_user_id_lti_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback_question")),
        sa.UniqueConstraint("feedback_id", name=op.f("uq_feedback_question_feedback_id")),
    )
    with op.batch_alter_table("feedback_question", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_feedback_question_answered_by_user_id"),
            ["answered_by_user_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_feedback_question_learner_user_id"), ["learner_user_id"], unique=False
        )
        batch_op.create_index(
            "ix_feedback_question_queue", ["context_id", "answered_at", "asked_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_feedback_question_submission_id"), ["submission_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_feedback_question_tutor_user_id"), ["tutor_user_id"], unique=False
        )

    op.create_table(
        "feedback_rating",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("feedback_id", sa.Integer(), nullable=False),
        sa.Column("learner_user_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("score BETWEEN 1 AND 5", name=op.f("ck_feedback_rating_score")),
        sa.ForeignKeyConstraint(
            ["feedback_id"],
            ["feedback.id"],
            name=op.f("fk_feedback_rating_feedback_id_feedback"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["learner_user_id"],
            ["lti_user.id"],
            name=op.f("fk_feedback_rating_learner_user_id_lti_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback_rating")),
        sa.UniqueConstraint("feedback_id", name=op.f("uq_feedback_rating_feedback_id")),
    )
    with op.batch_alter_table("feedback_rating", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_feedback_rating_learner_user_id"), ["learner_user_id"], unique=False
        )

    op.create_table(
        "feedback_read",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("feedback_id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("learner_user_id", sa.Integer(), nullable=False),
        sa.Column("via", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("via IN ('tool', 'email_link')", name=op.f("ck_feedback_read_via")),
        sa.ForeignKeyConstraint(
            ["feedback_id"],
            ["feedback.id"],
            name=op.f("fk_feedback_read_feedback_id_feedback"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["learner_user_id"],
            ["lti_user.id"],
            name=op.f("fk_feedback_read_learner_user_id_lti_user"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["submission.id"],
            name=op.f("fk_feedback_read_submission_id_submission"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback_read")),
        sa.UniqueConstraint("feedback_id", name=op.f("uq_feedback_read_feedback_id")),
    )
    with op.batch_alter_table("feedback_read", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_feedback_read_learner_user_id"), ["learner_user_id"], unique=False
        )
        batch_op.create_index(
            "ix_feedback_read_version", ["submission_id", "version"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("feedback_read", schema=None) as batch_op:
        batch_op.drop_index("ix_feedback_read_version")
        batch_op.drop_index(batch_op.f("ix_feedback_read_learner_user_id"))

    op.drop_table("feedback_read")
    with op.batch_alter_table("feedback_rating", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_feedback_rating_learner_user_id"))

    op.drop_table("feedback_rating")
    with op.batch_alter_table("feedback_question", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_feedback_question_tutor_user_id"))
        batch_op.drop_index(batch_op.f("ix_feedback_question_submission_id"))
        batch_op.drop_index("ix_feedback_question_queue")
        batch_op.drop_index(batch_op.f("ix_feedback_question_learner_user_id"))
        batch_op.drop_index(batch_op.f("ix_feedback_question_answered_by_user_id"))

    op.drop_table("feedback_question")
