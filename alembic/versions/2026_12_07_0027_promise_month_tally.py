"""promise month tally: the settled promises counted per LMS course, tutor and month, with
the turnarounds as one column per working day, for the admins' report

A new table, filled from ``feedback_promise_tally`` (the same counts per turnaround);
nothing existing changes. ``feedback_promise_month_tally`` holds per LMS course, tutor
(who released the feedback) and month of release: kept, missed, moved, and how many
promises took 0 to 20 working days (``days_0`` to ``days_20``; longer: ``days_over``).
From now on each release adds to it in its own transaction
(``feedback.promises.outcome``), beside ``feedback_promise_tally``.

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-07 19:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0027"
down_revision: str | None = "0026"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MAX_DAYS = 20
DAYS = tuple(f"days_{n}" for n in range(MAX_DAYS + 1))
COUNTS = ("kept", "missed", "moved", *DAYS, "days_over")


def upgrade() -> None:
    op.create_table(
        "feedback_promise_month_tally",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("context_id", sa.Integer(), nullable=False),
        sa.Column("tutor_user_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        *(sa.Column(name, sa.Integer(), nullable=False) for name in COUNTS),
        sa.CheckConstraint(
            " AND ".join(f"{name} >= 0" for name in COUNTS),
            name=op.f("ck_feedback_promise_month_tally_counts"),
        ),
        sa.ForeignKeyConstraint(
            ["context_id"],
            ["lms_context.id"],
            name=op.f("fk_feedback_promise_month_tally_context_id_lms_context"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tutor_user_id"],
            ["lti_user.id"],
            name=op.f("fk_feedback_promise_month_tally_tutor_user_id_lti_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback_promise_month_tally")),
        sa.UniqueConstraint(
            "month",
            "context_id",
            "tutor_user_id",
            name=op.f("uq_feedback_promise_month_tally_month_context_id_tutor_user_id"),
        ),
    )
    with op.batch_alter_table("feedback_promise_month_tally", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_feedback_promise_month_tally_context_id"), ["context_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_feedback_promise_month_tally_tutor_user_id"),
            ["tutor_user_id"],
            unique=False,
        )
    source = sa.table(
        "feedback_promise_tally",
        *(sa.column(n) for n in ("context_id", "tutor_user_id", "month", "turnaround_days")),
        *(sa.column(n) for n in ("kept", "missed", "moved")),
    )
    target = sa.table(
        "feedback_promise_month_tally",
        *(sa.column(n) for n in ("context_id", "tutor_user_id", "month", *COUNTS)),
    )
    days, settled = source.c.turnaround_days, source.c.kept + source.c.missed

    def on(condition: sa.ColumnElement[bool]) -> sa.ColumnElement[int]:
        return sa.func.sum(sa.case((condition, settled), else_=0))

    keys = (source.c.context_id, source.c.tutor_user_id, source.c.month)
    op.execute(
        target.insert().from_select(
            ["context_id", "tutor_user_id", "month", *COUNTS],
            sa.select(
                *keys,
                sa.func.sum(source.c.kept),
                sa.func.sum(source.c.missed),
                sa.func.sum(source.c.moved),
                *(on(days == n) for n in range(MAX_DAYS + 1)),
                on(days > MAX_DAYS),
            ).group_by(*keys),
        )
    )


def downgrade() -> None:
    with op.batch_alter_table("feedback_promise_month_tally", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_feedback_promise_month_tally_tutor_user_id"))
        batch_op.drop_index(batch_op.f("ix_feedback_promise_month_tally_context_id"))
    op.drop_table("feedback_promise_month_tally")
