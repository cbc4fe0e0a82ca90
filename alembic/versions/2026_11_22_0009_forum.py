"""forum: lesson forums, FAQ entries, questions to the lecturer, the search index

Revision ID: 0009
Revises: 0005
Create Date: 2026-11-22 12:09:17.973932

Written on the ``forum`` branch on top of 0004; migrations 0005-0008 of the branches
merged in parallel come first at merge, when ``down_revision`` is set to the then head.
The tables here only reference tables of 0001-0002 (lti, course).
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

from alembic import op

revision: str = "0009"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "search_term",
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("doc_id", sa.Integer(), nullable=False),
        sa.Column("term", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("scope", sa.Integer(), nullable=False),
        sa.Column("lesson_id", sa.Integer(), nullable=False),
        sa.Column("weight", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("kind", "doc_id", "term", name=op.f("pk_search_term")),
    )
    with op.batch_alter_table("search_term", schema=None) as batch_op:
        batch_op.create_index(
            "ix_search_term_lookup",
            ["kind", "scope", "term", "lesson_id", "doc_id", "weight"],
            unique=False,
        )

    op.create_table(
        "forum_lesson_read",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("context_id", sa.Integer(), nullable=False),
        sa.Column("lesson_id", sa.Integer(), nullable=False),
        sa.Column("up_to_post_id", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["context_id"],
            ["lms_context.id"],
            name=op.f("fk_forum_lesson_read_context_id_lms_context"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["lesson_id"], ["lesson.id"], name=op.f("fk_forum_lesson_read_lesson_id_lesson")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["lti_user.id"],
            name=op.f("fk_forum_lesson_read_user_id_lti_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_forum_lesson_read")),
        sa.UniqueConstraint(
            "user_id",
            "context_id",
            "lesson_id",
            name=op.f("uq_forum_lesson_read_user_id_context_id_lesson_id"),
        ),
    )
    op.create_table(
        "forum_notify_setting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("context_id", sa.Integer(), nullable=False),
        sa.Column("delivery", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("last_digest_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "delivery IN ('instant', 'digest')", name=op.f("ck_forum_notify_setting_delivery")
        ),
        sa.ForeignKeyConstraint(
            ["context_id"],
            ["lms_context.id"],
            name=op.f("fk_forum_notify_setting_context_id_lms_context"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["lti_user.id"],
            name=op.f("fk_forum_notify_setting_user_id_lti_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_forum_notify_setting")),
        sa.UniqueConstraint(
            "user_id", "context_id", name=op.f("uq_forum_notify_setting_user_id_context_id")
        ),
    )
    op.create_table(
        "forum_thread",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("context_id", sa.Integer(), nullable=False),
        sa.Column("lesson_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("anonymous", sa.Boolean(), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_post_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_post_id", sa.Integer(), nullable=False),
        sa.Column("reply_count", sa.Integer(), nullable=False),
        sa.Column("first_answer_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("accepted_post_id", sa.Integer(), nullable=True),
        sa.Column("pinned", sa.Boolean(), nullable=False),
        sa.Column("locked", sa.Boolean(), nullable=False),
        sa.Column("hidden_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("unanswered_alert_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["lti_user.id"],
            name=op.f("fk_forum_thread_author_id_lti_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["context_id"],
            ["lms_context.id"],
            name=op.f("fk_forum_thread_context_id_lms_context"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["lesson_id"], ["lesson.id"], name=op.f("fk_forum_thread_lesson_id_lesson")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_forum_thread")),
    )
    with op.batch_alter_table("forum_thread", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_forum_thread_lesson_id"), ["lesson_id"], unique=False)
        batch_op.create_index(
            "ix_forum_thread_list",
            ["context_id", "lesson_id", "deleted_at", "hidden_at", "pinned", "last_post_at", "id"],
            unique=False,
        )
        batch_op.create_index(
            "ix_forum_thread_unanswered", ["first_answer_at", "created_at"], unique=False
        )

    op.create_table(
        "lecturer_question",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("context_id", sa.Integer(), nullable=False),
        sa.Column("lesson_id", sa.Integer(), nullable=False),
        sa.Column("asker_id", sa.Integer(), nullable=False),
        sa.Column("subject", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answered_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["answered_by"],
            ["lti_user.id"],
            name=op.f("fk_lecturer_question_answered_by_lti_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["asker_id"],
            ["lti_user.id"],
            name=op.f("fk_lecturer_question_asker_id_lti_user"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["context_id"],
            ["lms_context.id"],
            name=op.f("fk_lecturer_question_context_id_lms_context"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["lesson_id"], ["lesson.id"], name=op.f("fk_lecturer_question_lesson_id_lesson")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lecturer_question")),
    )
    with op.batch_alter_table("lecturer_question", schema=None) as batch_op:
        batch_op.create_index(
            "ix_lecturer_question_asker_id_created_at", ["asker_id", "created_at"], unique=False
        )
        batch_op.create_index(
            "ix_lecturer_question_context_id_created_at", ["context_id", "created_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_lecturer_question_lesson_id"), ["lesson_id"], unique=False
        )

    op.create_table(
        "faq_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lesson_id", sa.Integer(), nullable=False),
        sa.Column("context_id", sa.Integer(), nullable=True),
        sa.Column("origin", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("source_key", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
        sa.Column("question", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("quote_anchor", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("quote_section", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("thread_id", sa.Integer(), nullable=True),
        sa.Column("question_id", sa.Integer(), nullable=True),
        sa.Column("file_question", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
        sa.Column("file_answer", sa.Text(), nullable=True),
        sa.Column("edited_in_tool_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("edited_by", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("archived_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "origin IN ('file', 'tool', 'forum', 'question')", name=op.f("ck_faq_entry_origin")
        ),
        sa.ForeignKeyConstraint(
            ["context_id"],
            ["lms_context.id"],
            name=op.f("fk_faq_entry_context_id_lms_context"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["lti_user.id"],
            name=op.f("fk_faq_entry_created_by_lti_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["edited_by"],
            ["lti_user.id"],
            name=op.f("fk_faq_entry_edited_by_lti_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["lesson_id"], ["lesson.id"], name=op.f("fk_faq_entry_lesson_id_lesson")
        ),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["lecturer_question.id"],
            name=op.f("fk_faq_entry_question_id_lecturer_question"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["thread_id"],
            ["forum_thread.id"],
            name=op.f("fk_faq_entry_thread_id_forum_thread"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_faq_entry")),
        sa.UniqueConstraint(
            "lesson_id", "source_key", name=op.f("uq_faq_entry_lesson_id_source_key")
        ),
    )
    with op.batch_alter_table("faq_entry", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_faq_entry_context_id"), ["context_id"], unique=False)
        batch_op.create_index(
            "ix_faq_entry_lesson_id_position", ["lesson_id", "position"], unique=False
        )

    op.create_table(
        "forum_post",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("thread_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("author_role", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("anonymous", sa.Boolean(), nullable=False),
        sa.Column("is_question", sa.Boolean(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("edited_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("hidden_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["lti_user.id"],
            name=op.f("fk_forum_post_author_id_lti_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["thread_id"],
            ["forum_thread.id"],
            name=op.f("fk_forum_post_thread_id_forum_thread"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_forum_post")),
    )
    with op.batch_alter_table("forum_post", schema=None) as batch_op:
        batch_op.create_index(
            "ix_forum_post_author_id_created_at", ["author_id", "created_at"], unique=False
        )
        batch_op.create_index("ix_forum_post_thread_id_id", ["thread_id", "id"], unique=False)

    op.create_table(
        "forum_read_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("thread_id", sa.Integer(), nullable=False),
        sa.Column("last_read_post_id", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["thread_id"],
            ["forum_thread.id"],
            name=op.f("fk_forum_read_state_thread_id_forum_thread"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["lti_user.id"],
            name=op.f("fk_forum_read_state_user_id_lti_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_forum_read_state")),
        sa.UniqueConstraint(
            "user_id", "thread_id", name=op.f("uq_forum_read_state_user_id_thread_id")
        ),
    )
    with op.batch_alter_table("forum_read_state", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_forum_read_state_thread_id"), ["thread_id"], unique=False
        )

    op.create_table(
        "forum_subscription",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("context_id", sa.Integer(), nullable=False),
        sa.Column("target", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("lesson_id", sa.Integer(), nullable=True),
        sa.Column("thread_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["context_id"],
            ["lms_context.id"],
            name=op.f("fk_forum_subscription_context_id_lms_context"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["lesson_id"], ["lesson.id"], name=op.f("fk_forum_subscription_lesson_id_lesson")
        ),
        sa.ForeignKeyConstraint(
            ["thread_id"],
            ["forum_thread.id"],
            name=op.f("fk_forum_subscription_thread_id_forum_thread"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["lti_user.id"],
            name=op.f("fk_forum_subscription_user_id_lti_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_forum_subscription")),
        sa.UniqueConstraint(
            "user_id",
            "context_id",
            "target",
            name=op.f("uq_forum_subscription_user_id_context_id_target"),
        ),
    )
    with op.batch_alter_table("forum_subscription", schema=None) as batch_op:
        batch_op.create_index(
            "ix_forum_subscription_target", ["context_id", "target"], unique=False
        )

    op.create_table(
        "forum_report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("context_id", sa.Integer(), nullable=False),
        sa.Column("reporter_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolved_by", sa.Integer(), nullable=True),
        sa.Column("resolution", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
        sa.CheckConstraint(
            "resolution IS NULL OR resolution IN ('hidden', 'deleted', 'dismissed')",
            name=op.f("ck_forum_report_resolution"),
        ),
        sa.ForeignKeyConstraint(
            ["context_id"],
            ["lms_context.id"],
            name=op.f("fk_forum_report_context_id_lms_context"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["post_id"],
            ["forum_post.id"],
            name=op.f("fk_forum_report_post_id_forum_post"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["reporter_id"],
            ["lti_user.id"],
            name=op.f("fk_forum_report_reporter_id_lti_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["resolved_by"],
            ["lti_user.id"],
            name=op.f("fk_forum_report_resolved_by_lti_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_forum_report")),
        sa.UniqueConstraint(
            "post_id", "reporter_id", name=op.f("uq_forum_report_post_id_reporter_id")
        ),
    )
    with op.batch_alter_table("forum_report", schema=None) as batch_op:
        batch_op.create_index(
            "ix_forum_report_context_id_resolved_at", ["context_id", "resolved_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("forum_report", schema=None) as batch_op:
        batch_op.drop_index("ix_forum_report_context_id_resolved_at")

    op.drop_table("forum_report")
    with op.batch_alter_table("forum_subscription", schema=None) as batch_op:
        batch_op.drop_index("ix_forum_subscription_target")

    op.drop_table("forum_subscription")
    with op.batch_alter_table("forum_read_state", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_forum_read_state_thread_id"))

    op.drop_table("forum_read_state")
    with op.batch_alter_table("forum_post", schema=None) as batch_op:
        batch_op.drop_index("ix_forum_post_thread_id_id")
        batch_op.drop_index("ix_forum_post_author_id_created_at")

    op.drop_table("forum_post")
    with op.batch_alter_table("faq_entry", schema=None) as batch_op:
        batch_op.drop_index("ix_faq_entry_lesson_id_position")
        batch_op.drop_index(batch_op.f("ix_faq_entry_context_id"))

    op.drop_table("faq_entry")
    with op.batch_alter_table("lecturer_question", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lecturer_question_lesson_id"))
        batch_op.drop_index("ix_lecturer_question_context_id_created_at")
        batch_op.drop_index("ix_lecturer_question_asker_id_created_at")

    op.drop_table("lecturer_question")
    with op.batch_alter_table("forum_thread", schema=None) as batch_op:
        batch_op.drop_index("ix_forum_thread_unanswered")
        batch_op.drop_index("ix_forum_thread_list")
        batch_op.drop_index(batch_op.f("ix_forum_thread_lesson_id"))

    op.drop_table("forum_thread")
    op.drop_table("forum_notify_setting")
    op.drop_table("forum_lesson_read")
    with op.batch_alter_table("search_term", schema=None) as batch_op:
        batch_op.drop_index("ix_search_term_lookup")

    op.drop_table("search_term")
