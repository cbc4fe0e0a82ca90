"""Delivering the outbox: how workers claim due rows, hand each to its kind's handler and
record the outcome (the loop around it is ``kurswerk.core.outbox.worker``; rows are written by
``kurswerk.core.outbox.queue``).

1. **Claim** (one short transaction, committed): due rows become ``sending`` with a lease
   (``locked_until``), a fresh ``claim_token`` and ``attempts + 1``. On PostgreSQL the
   rows are picked with ``SELECT ... FOR UPDATE SKIP LOCKED``, so concurrent workers
   take disjoint rows without waiting on each other. On SQLite one ``UPDATE ... WHERE id
   IN (SELECT ...)`` statement does it: SQLite runs one writer at a time, so the
   statement is atomic against other workers.
2. **Deliver** outside any database transaction, through the handler for the row's kind.
3. **Mark**, guarded by the claim token: ``sent``; or back to ``pending`` with
   ``next_attempt_at`` pushed out by exponential backoff with jitter; or ``failed`` when
   the handler raised ``PermanentError`` or the attempts are used up. A guarded mark that
   matches no row means the lease ran out and another worker took over: it changes
   nothing.

A worker killed between claim and mark leaves a ``sending`` row whose lease runs out;
the next claim takes it over. Delivery is therefore **at least once**: if the worker dies
after the SMTP server accepted the mail but before the ``sent`` mark committed, the mail
goes out a second time. Every attempt carries the same ``Message-ID`` (from the row's
``uid``), so the duplicate is recognisable as the same message to mail clients and
tools; no protocol lets SMTP do better. Outside that window (server down, refused,
timeouts before acceptance, several workers) each row is delivered once.

Backoff is computed into ``next_attempt_at`` (no sleeping retry library needed):
attempt *n* waits ``min(cap, base * 2**(n-1))`` seconds, the upper half of it jittered
so that rows failed together do not retry together.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from uuid import uuid4

from sqlalchemy import and_, or_, select, update
from sqlalchemy.engine import Engine

from kurswerk.core.clock import as_utc, utcnow
from kurswerk.core.db import is_postgres
from kurswerk.core.outbox.models import OutboxMessage, OutboxStatus
from kurswerk.core.settings import Settings

# Logged as the outbox it delivers (logging set up for ``kurswerk.core.outbox.queue`` sees it).
log = logging.getLogger("kurswerk.core.outbox.queue")

_ERROR_LIMIT = 2000

_table = OutboxMessage.__table__  # type: ignore[attr-defined]
_c = _table.c


class PermanentError(Exception):
    """Raised by a handler when retrying cannot help (recipient refused, LMS 4xx).

    ``answer`` is what the other side said; it is stored as the row's ``last_error``.
    """

    def __init__(self, message: str, *, answer: str | None = None) -> None:
        super().__init__(message)
        self.answer = answer

    def __str__(self) -> str:
        base = super().__str__()
        return f"{base}: {self.answer}" if self.answer else base


@dataclass(frozen=True)
class OutboxItem:
    """A claimed row as a handler sees it (a plain value; no database session)."""

    id: int
    uid: str
    kind: str
    payload: dict[str, Any]
    attempt: int
    claim_token: str


Handler = Callable[[OutboxItem], None]
"""Delivers one item; returns on success, raises ``PermanentError`` or anything else."""


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 20
    backoff_seconds: float = 30.0
    backoff_cap_seconds: float = 3600.0
    lease_seconds: float = 300.0

    @classmethod
    def from_settings(cls, settings: Settings) -> RetryPolicy:
        return cls(
            max_attempts=settings.outbox_max_attempts,
            backoff_seconds=settings.outbox_backoff_seconds,
            backoff_cap_seconds=settings.outbox_backoff_cap_seconds,
            lease_seconds=settings.outbox_lease_seconds,
        )

    def backoff(self, attempt: int, rng: random.Random | None = None) -> timedelta:
        """Wait after failed attempt ``attempt`` (1-based): capped exponential, jittered."""
        ceiling = min(self.backoff_cap_seconds, self.backoff_seconds * 2 ** (attempt - 1))
        jitter = (rng or random).uniform(0, ceiling / 2)
        return timedelta(seconds=ceiling / 2 + jitter)


@dataclass
class DeliveryReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    lost_lease: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def processed(self) -> int:
        """Rows claimed by this run; 0 means nothing was due."""
        return self.sent + self.retrying + self.failed + self.lost_lease


def _due(now: datetime) -> Any:
    return or_(
        and_(_c.status == OutboxStatus.PENDING.value, _c.next_attempt_at <= now),
        # A claimed row whose lease ran out: its worker died mid-delivery.
        and_(_c.status == OutboxStatus.SENDING.value, _c.locked_until <= now),
    )


def claim_due(
    engine: Engine,
    kinds: Iterable[str],
    *,
    batch: int = 20,
    now: datetime | None = None,
    lease_seconds: float = 300.0,
) -> list[OutboxItem]:
    """Claim up to ``batch`` due rows of ``kinds`` for this worker, and commit the claim.

    Only kinds this worker can deliver are claimed, so a worker without an ``lms_call``
    handler leaves those rows to one that has it.
    """
    now = as_utc(now or utcnow())
    kinds = sorted(set(kinds))
    if not kinds:
        return []
    token = uuid4().hex
    claim_values = {
        "status": OutboxStatus.SENDING.value,
        "locked_until": now + timedelta(seconds=lease_seconds),
        "claim_token": token,
        "attempts": _c.attempts + 1,
    }
    due_ids = (
        select(_c.id)
        .where(_due(now), _c.kind.in_(kinds))
        .order_by(_c.next_attempt_at, _c.id)
        .limit(batch)
    )
    with engine.begin() as connection:
        if is_postgres(engine):
            ids = list(connection.execute(due_ids.with_for_update(skip_locked=True)).scalars())
            if not ids:
                return []
            connection.execute(update(_table).where(_c.id.in_(ids)).values(claim_values))
        else:
            # One statement: SQLite serialises writers, so no other worker interleaves.
            connection.execute(
                update(_table).where(_c.id.in_(due_ids), _due(now)).values(claim_values)
            )
        rows = connection.execute(
            select(_c.id, _c.uid, _c.kind, _c.payload, _c.attempts)
            .where(_c.claim_token == token)
            .order_by(_c.next_attempt_at, _c.id)
        ).all()
    return [
        OutboxItem(
            id=row.id,
            uid=row.uid,
            kind=row.kind,
            payload=row.payload,
            attempt=row.attempts,
            claim_token=token,
        )
        for row in rows
    ]


def _guarded_update(engine: Engine, item: OutboxItem, **values: Any) -> bool:
    """Update the row only while this claim still holds it; False if it was taken over."""
    with engine.begin() as connection:
        result = connection.execute(
            update(_table)
            .where(
                _c.id == item.id,
                _c.claim_token == item.claim_token,
                _c.status == OutboxStatus.SENDING.value,
            )
            .values(**values)
        )
    return bool(result.rowcount == 1)


def mark_sent(engine: Engine, item: OutboxItem, *, now: datetime | None = None) -> bool:
    return _guarded_update(
        engine,
        item,
        status=OutboxStatus.SENT.value,
        sent_at=as_utc(now or utcnow()),
        locked_until=None,
        last_error=None,
    )


def _record_failure(
    engine: Engine,
    item: OutboxItem,
    error: str,
    *,
    permanent: bool,
    policy: RetryPolicy,
    now: datetime,
    rng: random.Random | None,
) -> tuple[bool, bool]:
    """Schedule a retry or give up; returns (still ours, gave up)."""
    error = error[:_ERROR_LIMIT]
    if permanent or item.attempt >= policy.max_attempts:
        if not permanent:
            error = f"gave up after {item.attempt} attempts: {error}"[:_ERROR_LIMIT]
        ours = _guarded_update(
            engine, item, status=OutboxStatus.FAILED.value, locked_until=None, last_error=error
        )
        return ours, True
    ours = _guarded_update(
        engine,
        item,
        status=OutboxStatus.PENDING.value,
        next_attempt_at=now + policy.backoff(item.attempt, rng),
        locked_until=None,
        last_error=error,
    )
    return ours, False


def deliver_due(
    engine: Engine,
    handlers: Mapping[str, Handler],
    *,
    batch: int = 20,
    now: datetime | None = None,
    policy: RetryPolicy | None = None,
    rng: random.Random | None = None,
) -> DeliveryReport:
    """Claim due rows, deliver each through its kind's handler, record the outcome.

    ``now`` fixes the clock for this run (tests move time forward with it); by default
    the wall clock is read at each step.
    """
    policy = policy or RetryPolicy()

    def clock() -> datetime:
        return as_utc(now) if now else utcnow()

    report = DeliveryReport()
    items = claim_due(
        engine, handlers.keys(), batch=batch, now=clock(), lease_seconds=policy.lease_seconds
    )
    for item in items:
        # Renew the lease right before sending (guarded): a long batch cannot outlive it,
        # and a row another worker took over in the meantime is left alone.
        renewed = _guarded_update(
            engine, item, locked_until=clock() + timedelta(seconds=policy.lease_seconds)
        )
        if not renewed:
            report.lost_lease += 1
            continue
        if item.attempt > policy.max_attempts:
            # Claimed again and again without a mark: its delivery keeps killing workers.
            _record_failure(
                engine,
                item,
                "lease expired on every attempt (worker stopped mid-delivery)",
                permanent=False,
                policy=policy,
                now=clock(),
                rng=rng,
            )
            report.failed += 1
            continue
        try:
            handlers[item.kind](item)
        except PermanentError as exc:
            ours, _ = _record_failure(
                engine, item, str(exc), permanent=True, policy=policy, now=clock(), rng=rng
            )
            report.failed += int(ours)
            report.lost_lease += int(not ours)
            report.errors.append(f"{item.id}: {exc}")
            log.warning("outbox %s (%s) failed permanently: %s", item.id, item.kind, exc)
        except Exception as exc:
            text = f"{type(exc).__name__}: {exc}"
            ours, gave_up = _record_failure(
                engine, item, text, permanent=False, policy=policy, now=clock(), rng=rng
            )
            if not ours:
                report.lost_lease += 1
            elif gave_up:
                report.failed += 1
            else:
                report.retrying += 1
            report.errors.append(f"{item.id}: {text}")
            log.warning("outbox %s (%s) attempt %s: %s", item.id, item.kind, item.attempt, text)
        else:
            if mark_sent(engine, item, now=clock()):
                report.sent += 1
                log.info("outbox %s (%s) delivered", item.id, item.kind)
            else:
                report.lost_lease += 1
                log.warning("outbox %s delivered after its lease was taken over", item.id)
    return report
