"""feedback promises: the promised feedback date of each submission version, its events,
the tutors' weekly capacity and the report's tally (issue 14)

New tables only; nothing existing changes. ``feedback_promise`` holds one row per
submission version (the date in force, its revision, the warning, the outcome);
``feedback_promise_event`` every step (promised, changed, warned, kept, missed,
superseded); ``tutor_capacity`` what a tutor says they write a week in an LMS course;
``feedback_promise_tally`` the settled promises counted per LMS course, tutor, month and
turnaround (what the admins' report reads).

Backfill: every existing submission version gets a promise made from its upload time and
the target alone (``KURSWERK_FEEDBACK_TARGET_DAYS`` working days, counted by
``kurswerk.core.clock`` with the deployment's holidays and time zone at migration time;
the queue's state back then is unknown, so ``waiting`` and ``weekly_capacity`` are 0). A
version with released feedback is settled as kept (released by the end of the promised
day) or missed, with its turnaround in working days, and counted in the tally under the
releasing tutor and the month of release; an older version without feedback is
superseded; the rest stay open. An open promise whose day has already passed counts as
warned at migration time, so the first run of the warning job does not send a mail for
every old submission; open promises still ahead are warned as usual.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-07 10:00:00.000000
"""

from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
import sqlmodel

from alembic import op

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CHUNK = 5_000


def upgrade() -> None:
    tally = op.create_table(
        "feedback_promise_tally",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("context_id", sa.Integer(), nullable=False),
        sa.Column("tutor_user_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("turnaround_days", sa.Integer(), nullable=False),
        sa.Column("kept", sa.Integer(), nullable=False),
        sa.Column("missed", sa.Integer(), nullable=False),
        sa.Column("moved", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "kept >= 0 AND missed >= 0 AND moved >= 0",
            name=op.f("ck_feedback_promise_tally_counts"),
        ),
        sa.ForeignKeyConstraint(
            ["context_id"],
            ["lms_context.id"],
            name=op.f("fk_feedback_promise_tally_context_id_lms_context"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tutor_user_id"],
            ["lti_user.id"],
            name=op.f("fk_feedback_promise_tally_tutor_user_id_lti_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback_promise_tally")),
        sa.UniqueConstraint(
            "month",
            "context_id",
            "tutor_user_id",
            "turnaround_days",
            name=op.f("uq_feedback_promise_tally_month_context_id_tutor_user_id_turnaround_days"),
        ),
    )
    with op.batch_alter_table("feedback_promise_tally", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_feedback_promise_tally_context_id"), ["context_id"], unique=False
        )
        batch_op.create_index(
            "ix_feedback_promise_tally_report",
            ["month", "context_id", "tutor_user_id", "turnaround_days", "kept", "missed", "moved"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_feedback_promise_tally_tutor_user_id"), ["tutor_user_id"], unique=False
        )

    op.create_table(
        "tutor_capacity",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("context_id", sa.Integer(), nullable=False),
        sa.Column("per_week", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("per_week BETWEEN 0 AND 500", name=op.f("ck_tutor_capacity_per_week")),
        sa.ForeignKeyConstraint(
            ["context_id"],
            ["lms_context.id"],
            name=op.f("fk_tutor_capacity_context_id_lms_context"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["lti_user.id"],
            name=op.f("fk_tutor_capacity_user_id_lti_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tutor_capacity")),
        sa.UniqueConstraint(
            "user_id", "context_id", name=op.f("uq_tutor_capacity_user_id_context_id")
        ),
    )
    with op.batch_alter_table("tutor_capacity", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_tutor_capacity_context_id"), ["context_id"], unique=False
        )

    promises = op.create_table(
        "feedback_promise",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("context_id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("submission_version_id", sa.Integer(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("first_due_on", sa.Date(), nullable=False),
        sa.Column("target_days", sa.Integer(), nullable=False),
        sa.Column("waiting", sa.Integer(), nullable=False),
        sa.Column("weekly_capacity", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("state", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("warned_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("settled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("released_by_user_id", sa.Integer(), nullable=True),
        sa.Column("turnaround_days", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "state IN ('open', 'kept', 'missed', 'superseded')",
            name=op.f("ck_feedback_promise_state"),
        ),
        sa.CheckConstraint("revision >= 0", name=op.f("ck_feedback_promise_revision")),
        sa.ForeignKeyConstraint(
            ["context_id"],
            ["lms_context.id"],
            name=op.f("fk_feedback_promise_context_id_lms_context"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["released_by_user_id"],
            ["lti_user.id"],
            name=op.f("fk_feedback_promise_released_by_user_id_lti_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["submission.id"],
            name=op.f("fk_feedback_promise_submission_id_submission"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["submission_version_id"],
            ["submission_version.id"],
            name=op.f("fk_feedback_promise_submission_version_id_submission_version"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback_promise")),
        sa.UniqueConstraint(
            "submission_version_id", name=op.f("uq_feedback_promise_submission_version_id")
        ),
    )
    with op.batch_alter_table("feedback_promise", schema=None) as batch_op:
        batch_op.create_index(
            "ix_feedback_promise_context_due", ["context_id", "state", "due_at"], unique=False
        )
        batch_op.create_index("ix_feedback_promise_due", ["state", "due_at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_feedback_promise_submission_id"), ["submission_id"], unique=False
        )

    events = op.create_table(
        "feedback_promise_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("promise_id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("actor_user_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("old_date", sa.Date(), nullable=True),
        sa.Column("new_date", sa.Date(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('promised', 'changed', 'warned', 'kept', 'missed', 'superseded')",
            name=op.f("ck_feedback_promise_event_kind"),
        ),
        sa.ForeignKeyConstraint(
            ["actor_user_id"],
            ["lti_user.id"],
            name=op.f("fk_feedback_promise_event_actor_user_id_lti_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["promise_id"],
            ["feedback_promise.id"],
            name=op.f("fk_feedback_promise_event_promise_id_feedback_promise"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback_promise_event")),
    )
    with op.batch_alter_table("feedback_promise_event", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_feedback_promise_event_promise_id"), ["promise_id"], unique=False
        )
    _backfill(op.get_bind(), promises, events, tally)


def _as_utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _versions(connection: sa.Connection) -> Iterator[list[Any]]:
    """Every version with its submission and released feedback, in chunks, oldest first."""
    last = 0
    while True:
        rows = connection.execute(
            sa.text(
                "SELECT v.id, v.submission_id, v.number, v.created_at, s.context_id, "
                "s.latest_version, f.released_at, f.tutor_user_id "
                "FROM submission_version v JOIN submission s ON s.id = v.submission_id "
                "LEFT JOIN feedback f ON f.submission_version_id = v.id "
                "AND f.status = 'released' "
                "WHERE v.id > :last ORDER BY v.id LIMIT :chunk"
            ).columns(  # typed: SQLite hands back text otherwise
                sa.column("id", sa.Integer()),
                sa.column("submission_id", sa.Integer()),
                sa.column("number", sa.Integer()),
                sa.column("created_at", sa.DateTime(timezone=True)),
                sa.column("context_id", sa.Integer()),
                sa.column("latest_version", sa.Integer()),
                sa.column("released_at", sa.DateTime(timezone=True)),
                sa.column("tutor_user_id", sa.Integer()),
            ),
            {"last": last, "chunk": CHUNK},
        ).all()
        if not rows:
            return
        yield list(rows)
        last = rows[-1].id


def _backfill(
    connection: sa.Connection, promises: sa.Table, events: sa.Table, tally: sa.Table
) -> None:
    # The working-day rule and the settings of the deployment that migrates (see above).
    from kurswerk.core.clock import add_working_days, working_days_between
    from kurswerk.core.settings import get_settings

    settings = get_settings()
    zone = ZoneInfo(settings.course_timezone)
    target = settings.feedback_target_days
    now = datetime.now(UTC)
    counts: dict[tuple[date, int, int, int], list[int]] = {}

    def local_day(value: datetime) -> date:
        return _as_utc(value).astimezone(zone).date()

    for rows in _versions(connection):
        values, outcomes = [], []
        for row in rows:
            created = _as_utc(row.created_at)
            due_on = add_working_days(local_day(created), target)
            due_at = datetime.combine(due_on + timedelta(days=1), time(0), zone).astimezone(UTC)
            promise = {
                "context_id": row.context_id, "submission_id": row.submission_id,
                "submission_version_id": row.id, "due_on": due_on, "due_at": due_at,
                "first_due_on": due_on, "target_days": target, "waiting": 0,
                "weekly_capacity": 0, "revision": 0, "state": "open", "warned_at": None,
                "settled_at": None, "released_by_user_id": None, "turnaround_days": None,
                "created_at": created, "updated_at": now,
            }  # fmt: skip
            outcome = None
            if row.released_at is not None:
                released = _as_utc(row.released_at)
                turnaround = working_days_between(local_day(created), local_day(released))
                outcome = "kept" if released < due_at else "missed"
                promise.update(
                    state=outcome, settled_at=released, released_by_user_id=row.tutor_user_id,
                    turnaround_days=turnaround,
                )  # fmt: skip
                month = local_day(released).replace(day=1)
                key = (month, row.context_id, row.tutor_user_id, turnaround)
                counts.setdefault(key, [0, 0])[0 if outcome == "kept" else 1] += 1
            elif row.number < row.latest_version:
                outcome = "superseded"
                promise.update(state=outcome, settled_at=now)
            elif due_at <= now:
                promise["warned_at"] = now  # long passed: no warning mail for it now
            values.append(promise)
            outcomes.append((outcome, promise))
        ids = (
            connection.execute(
                sa.insert(promises).returning(promises.c.id, sort_by_parameter_order=True), values
            )
            .scalars()
            .all()
        )
        steps = []
        for promise_id, (outcome, promise) in zip(ids, outcomes, strict=True):
            steps.append(
                _event(promise_id, "promised", promise["created_at"], new=promise["due_on"])
            )
            if outcome is not None:
                steps.append(
                    _event(promise_id, outcome, promise["settled_at"], old=promise["due_on"])
                )
        connection.execute(sa.insert(events), steps)
    rows = [
        {
            "month": month,
            "context_id": context_id,
            "tutor_user_id": tutor_id,
            "turnaround_days": turnaround,
            "kept": kept,
            "missed": missed,
            "moved": 0,
        }  # fmt: skip
        for (month, context_id, tutor_id, turnaround), (kept, missed) in counts.items()
    ]
    for start in range(0, len(rows), CHUNK):
        connection.execute(sa.insert(tally), rows[start : start + CHUNK])


def _event(
    promise_id: int, kind: str, at: datetime, *, old: date | None = None, new: date | None = None
) -> dict[str, Any]:
    return {
        "promise_id": promise_id, "kind": kind, "actor_user_id": None, "at": at,
        "old_date": old, "new_date": new, "reason": "",
    }  # fmt: skip


def downgrade() -> None:
    with op.batch_alter_table("feedback_promise_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_feedback_promise_event_promise_id"))

    op.drop_table("feedback_promise_event")
    with op.batch_alter_table("feedback_promise", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_feedback_promise_submission_id"))
        batch_op.drop_index("ix_feedback_promise_due")
        batch_op.drop_index("ix_feedback_promise_context_due")

    op.drop_table("feedback_promise")
    with op.batch_alter_table("tutor_capacity", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tutor_capacity_context_id"))

    op.drop_table("tutor_capacity")
    with op.batch_alter_table("feedback_promise_tally", schema=None) as batch_op:
        batch_op.drop_index("ix_feedback_promise_tally_report")
        batch_op.drop_index(batch_op.f("ix_feedback_promise_tally_tutor_user_id"))
        batch_op.drop_index(batch_op.f("ix_feedback_promise_tally_context_id"))

    op.drop_table("feedback_promise_tally")
