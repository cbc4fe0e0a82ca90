"""faq overrides: a tutor's change of a file FAQ entry belongs to their LMS course only

A file entry (from the course files) is the course package's and is never changed in the
tool any more; an LMS course that changes or deletes one gets a row of its own naming it
in ``overrides_id``. ``file_question``, ``file_answer`` and ``edited_in_tool_at`` go: the
file entry itself now always holds the file's version.

Existing edits (made before this revision, when an edit reached every LMS course) become
overrides of the LMS courses bound to the entry's course in which the editor is a tutor
or admin; when none can be named (the editor is gone), of every LMS course bound to the
course, so no LMS course loses the text it showed. The file entry gets the file's version
back (or is archived when the file no longer has it). Run ``kurswerk content reindex``
afterwards so search finds the overrides. Downgrading drops the overrides.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 20:45:00.000000
"""

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
import sqlmodel

from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COPIED = (
    "lesson_id", "origin", "question", "answer", "position", "quote_anchor",
    "quote_section", "edited_by", "created_by", "created_at", "updated_at", "deleted_at",
)  # fmt: skip


def upgrade() -> None:
    # Read the earlier edits first, then change the table, then write the overrides: on
    # SQLite the batch copies the table and drops the old one, and that drop would
    # cascade through ``overrides_id`` into overrides already written.
    bind = op.get_bind()
    edited = bind.execute(
        sa.text(
            "SELECT * FROM faq_entry "
            "WHERE source_key IS NOT NULL AND edited_in_tool_at IS NOT NULL ORDER BY id"
        )
    ).all()
    with op.batch_alter_table("faq_entry", schema=None) as batch_op:
        batch_op.add_column(sa.Column("overrides_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_faq_entry_overrides_id_faq_entry"),
            "faq_entry",
            ["overrides_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch_op.create_unique_constraint(
            batch_op.f("uq_faq_entry_context_id_overrides_id"), ["context_id", "overrides_id"]
        )
        batch_op.drop_column("edited_in_tool_at")
        batch_op.drop_column("file_answer")
        batch_op.drop_column("file_question")
    _edits_to_overrides(bind, edited)


def _edits_to_overrides(bind: sa.Connection, edited: Sequence[sa.Row[Any]]) -> None:
    faq = sa.table(
        "faq_entry",
        *(sa.column(name) for name in COPIED),
        sa.column("id"), sa.column("context_id"), sa.column("overrides_id"),
        sa.column("archived_at"),
    )  # fmt: skip
    now = datetime.now(UTC)
    for row in edited:
        for context_id in _contexts_of(bind, row.lesson_id, row.edited_by):
            values = {name: getattr(row, name) for name in COPIED}
            bind.execute(
                sa.insert(faq).values(context_id=context_id, overrides_id=row.id, **values)
            )
        back: dict[str, object] = {"deleted_at": None, "edited_by": None}
        if row.file_question is None:
            back["archived_at"] = now  # gone from the files
        else:
            back.update(question=row.file_question, answer=row.file_answer or "")
        bind.execute(sa.update(faq).where(faq.c.id == row.id).values(**back))


def _contexts_of(bind: sa.Connection, lesson_id: int, editor: int | None) -> list[int]:
    """The LMS courses bound to the lesson's course where the editor is staff, or all."""
    bound = sa.text(
        "SELECT b.context_id FROM course_binding b JOIN lesson l ON l.course_id = b.course_id "
        "WHERE l.id = :lesson ORDER BY b.context_id"
    )
    staff = sa.text(
        "SELECT b.context_id FROM course_binding b JOIN lesson l ON l.course_id = b.course_id "
        "JOIN membership m ON m.context_id = b.context_id WHERE l.id = :lesson "
        "AND m.user_id = :editor AND m.role IN ('tutor', 'admin') ORDER BY b.context_id"
    )
    own = [] if editor is None else bind.execute(staff, {"lesson": lesson_id, "editor": editor})
    contexts = [int(c) for (c,) in own]
    return contexts or [int(c) for (c,) in bind.execute(bound, {"lesson": lesson_id})]


def downgrade() -> None:
    with op.batch_alter_table("faq_entry", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("file_question", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True)
        )
        batch_op.add_column(sa.Column("file_answer", sa.Text(), nullable=True))
        batch_op.add_column(
            sa.Column("edited_in_tool_at", sa.DateTime(timezone=True), nullable=True)
        )
    op.execute("DELETE FROM faq_entry WHERE overrides_id IS NOT NULL")
    op.execute(
        "UPDATE faq_entry SET file_question = question, file_answer = answer "
        "WHERE source_key IS NOT NULL"
    )
    with op.batch_alter_table("faq_entry", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_faq_entry_context_id_overrides_id"), type_="unique")
        batch_op.drop_constraint(
            batch_op.f("fk_faq_entry_overrides_id_faq_entry"), type_="foreignkey"
        )
        batch_op.drop_column("overrides_id")
