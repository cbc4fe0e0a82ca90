"""dialogue tally: the read receipts, follow-up questions and ratings counted per LMS
course, tutor and month for the admins' report

A new table, filled from the existing rows; nothing existing changes.
``feedback_dialogue_tally`` holds, per LMS course (the submission's), tutor (who
released the feedback) and month (the course's time zone, ``KURSWERK_COURSE_TIMEZONE``
of the deployment that migrates; ``month`` is its first day): the feedback released in
the month, how much of it is read, how it is rated (``rated_1`` to ``rated_5``), and the
follow-up questions asked in the month, answered, answered before their promised day
ended. From now on each write adds to it in its own transaction
(``feedback.dialogue.tally``).

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-07 13:00:00.000000
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from alembic import op

revision: str = "0024"
down_revision: str | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CHUNK = 5_000
COUNTS = (
    "released", "read", "asked", "answered", "answered_on_time",
    "rated_1", "rated_2", "rated_3", "rated_4", "rated_5",
)  # fmt: skip


def upgrade() -> None:
    tally = op.create_table(
        "feedback_dialogue_tally",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("context_id", sa.Integer(), nullable=False),
        sa.Column("tutor_user_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        *(sa.Column(name, sa.Integer(), nullable=False) for name in COUNTS),
        sa.CheckConstraint(
            " AND ".join(f"{name} >= 0" for name in COUNTS),
            name=op.f("ck_feedback_dialogue_tally_counts"),
        ),
        sa.ForeignKeyConstraint(
            ["context_id"],
            ["lms_context.id"],
            name=op.f("fk_feedback_dialogue_tally_context_id_lms_context"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tutor_user_id"],
            ["lti_user.id"],
            name=op.f("fk_feedback_dialogue_tally_tutor_user_id_lti_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback_dialogue_tally")),
        sa.UniqueConstraint(
            "month",
            "context_id",
            "tutor_user_id",
            name=op.f("uq_feedback_dialogue_tally_month_context_id_tutor_user_id"),
        ),
    )
    with op.batch_alter_table("feedback_dialogue_tally", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_feedback_dialogue_tally_context_id"), ["context_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_feedback_dialogue_tally_tutor_user_id"),
            ["tutor_user_id"],
            unique=False,
        )
    _backfill(op.get_bind(), tally)


def _as_utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _chunks(connection: sa.Connection, sql: str, columns: list[Any]) -> Iterator[list[Any]]:
    """The rows of ``sql`` (ordered by its first column, ``id``), in chunks."""
    last = 0
    while True:
        rows = connection.execute(
            sa.text(sql).columns(*columns), {"last": last, "chunk": CHUNK}
        ).all()
        if not rows:
            return
        yield list(rows)
        last = rows[-1].id


def _backfill(connection: sa.Connection, tally: sa.Table) -> None:
    from kurswerk.core.settings import get_settings  # the migrating deployment's zone

    zone = ZoneInfo(get_settings().course_timezone)
    counts: dict[tuple[date, int, int], dict[str, int]] = {}

    def add(moment: datetime, context_id: int, tutor_id: int, **deltas: int) -> None:
        month = _as_utc(moment).astimezone(zone).date().replace(day=1)
        row = counts.setdefault((month, context_id, tutor_id), dict.fromkeys(COUNTS, 0))
        for name, delta in deltas.items():
            row[name] += delta

    released = (
        "SELECT f.id, s.context_id, f.tutor_user_id, f.released_at, r.id AS read_id, "
        "g.score FROM feedback f JOIN submission s ON s.id = f.submission_id "
        "LEFT JOIN feedback_read r ON r.feedback_id = f.id "
        "LEFT JOIN feedback_rating g ON g.feedback_id = f.id "
        "WHERE f.status = 'released' AND f.released_at IS NOT NULL AND f.id > :last "
        "ORDER BY f.id LIMIT :chunk"
    )
    typed = [  # SQLite hands back text otherwise
        sa.column("id", sa.Integer()),
        sa.column("context_id", sa.Integer()),
        sa.column("tutor_user_id", sa.Integer()),
        sa.column("released_at", sa.DateTime(timezone=True)),
        sa.column("read_id", sa.Integer()),
        sa.column("score", sa.Integer()),
    ]
    for rows in _chunks(connection, released, typed):
        for row in rows:
            rated = {f"rated_{row.score}": 1} if row.score is not None else {}
            add(
                row.released_at, row.context_id, row.tutor_user_id,
                released=1, read=int(row.read_id is not None), **rated,
            )  # fmt: skip
    questions = (
        "SELECT q.id, q.context_id, f.tutor_user_id, q.asked_at, q.answered_at, "
        "q.answer_due_at FROM feedback_question q JOIN feedback f ON f.id = q.feedback_id "
        "WHERE q.id > :last ORDER BY q.id LIMIT :chunk"
    )
    typed = [
        sa.column("id", sa.Integer()),
        sa.column("context_id", sa.Integer()),
        sa.column("tutor_user_id", sa.Integer()),
        sa.column("asked_at", sa.DateTime(timezone=True)),
        sa.column("answered_at", sa.DateTime(timezone=True)),
        sa.column("answer_due_at", sa.DateTime(timezone=True)),
    ]
    for rows in _chunks(connection, questions, typed):
        for row in rows:
            answered = row.answered_at is not None
            on_time = answered and _as_utc(row.answered_at) < _as_utc(row.answer_due_at)
            add(
                row.asked_at, row.context_id, row.tutor_user_id,
                asked=1, answered=int(answered), answered_on_time=int(on_time),
            )  # fmt: skip
    values = [
        {"month": month, "context_id": context_id, "tutor_user_id": tutor_id, **row}
        for (month, context_id, tutor_id), row in sorted(counts.items())
    ]
    for start in range(0, len(values), CHUNK):
        connection.execute(sa.insert(tally), values[start : start + CHUNK])


def downgrade() -> None:
    with op.batch_alter_table("feedback_dialogue_tally", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_feedback_dialogue_tally_tutor_user_id"))
        batch_op.drop_index(batch_op.f("ix_feedback_dialogue_tally_context_id"))

    op.drop_table("feedback_dialogue_tally")
