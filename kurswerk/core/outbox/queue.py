"""The outbox: work that a change causes (emails, LMS service calls), delivered later.

DESIGN.md §2 step 5. A service writes the row with ``enqueue`` / ``enqueue_email`` into
the *caller's* session and never commits, so the row exists exactly when the change it
belongs to committed (no mail for a rolled-back release, no lost mail for a committed
one). ``kurswerk worker`` (and an in-process loop in ``kurswerk demo``; both in
``kurswerk.core.outbox.worker``) delivers rows by the rules of ``kurswerk.core.outbox.delivery``
(claim, deliver, mark; leases, backoff, at least once).

This module is the writing side; it also names the delivery's parts, so handlers, the
worker and scripts import everything of the outbox from here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from uuid import uuid4

from sqlalchemy import select
from sqlmodel import Session

from kurswerk.core import mail
from kurswerk.core.clock import utcnow
from kurswerk.core.db import upsert
from kurswerk.core.i18n import DEFAULT_LOCALE
from kurswerk.core.outbox.delivery import (
    DeliveryReport,
    Handler,
    OutboxItem,
    PermanentError,
    RetryPolicy,
    claim_due,
    deliver_due,
    mark_sent,
)
from kurswerk.core.outbox.models import OutboxMessage, OutboxStatus

__all__ = [
    "DeliveryReport",
    "Email",
    "Handler",
    "OutboxItem",
    "OutboxMessage",
    "OutboxStatus",
    "PermanentError",
    "RetryPolicy",
    "claim_due",
    "deliver_due",
    "enqueue",
    "enqueue_email",
    "enqueue_emails",
    "mark_sent",
]

NO_ADDRESS = "recipient has no email address"
INVALID_ADDRESS = "recipient email address is not deliverable"

_table = OutboxMessage.__table__  # type: ignore[attr-defined]
_c = _table.c


def _values(
    kind: str,
    payload: dict[str, Any],
    key: str | None,
    status: OutboxStatus,
    skipped_reason: str | None,
) -> dict[str, Any]:
    return {
        "uid": uuid4().hex,
        "kind": kind,
        "payload": payload,
        "dedup_key": key,
        "status": status.value,
        "skipped_reason": skipped_reason,
        "attempts": 0,
        "next_attempt_at": utcnow(),
        "created_at": utcnow(),
    }


def _insert_ignoring_known_keys(session: Session, values: Any) -> None:
    """INSERT ... ON CONFLICT (dedup_key) DO NOTHING: a duplicate never aborts the
    caller's transaction (a plain INSERT's unique violation would, on PostgreSQL)."""
    statement = upsert(session, _table).values(values)
    session.execute(statement.on_conflict_do_nothing(index_elements=["dedup_key"]))


def enqueue(
    session: Session,
    kind: str,
    payload: dict[str, Any],
    *,
    key: str | None = None,
    status: OutboxStatus = OutboxStatus.PENDING,
    skipped_reason: str | None = None,
) -> OutboxMessage:
    """Add a row to the caller's transaction (flushed, never committed).

    ``key`` makes the call idempotent: if a row with that key exists (or is being
    inserted by a concurrent transaction that then commits), nothing is added and the
    existing row is returned. ``payload`` must be JSON-serialisable.
    """
    values = _values(kind, payload, key, status, skipped_reason)
    if key is None:
        row = OutboxMessage.model_validate(values)
        session.add(row)
        session.flush()
        return row
    _insert_ignoring_known_keys(session, values)
    existing = session.execute(select(OutboxMessage).where(_c.dedup_key == key)).scalar_one()
    return existing


def enqueue_email(
    session: Session,
    *,
    to: str | None,
    template: str,
    context: dict[str, Any],
    locale: str | None = DEFAULT_LOCALE,
    key: str | None = None,
    to_name: str | None = None,
    attachments: Sequence[mail.Attachment] = (),
) -> OutboxMessage:
    """Render ``email/<template>`` now and add it to the caller's transaction.

    ``locale`` is the *recipient's* language (their stored LMS locale, ``en-GB`` or ``en``
    alike), never the sender's: whoever triggers a mail to someone else writes it in the
    language of the person who reads it. The row's ``locale`` is the language rendered.

    Rendering at enqueue time keeps the mail as it was when the change happened (the
    feedback text as released), surfaces template errors in the request and its tests,
    and lets ``context`` hold any Python values. A person without a usable address gets
    a ``skipped`` row that says why: the tool still shows them everything.
    ``attachments`` are stored in the row (see ``kurswerk.core.mail``): keep them small.
    """
    payload, reason = _email_payload(to, template, context, locale, to_name, attachments)
    status = OutboxStatus.SKIPPED if reason else OutboxStatus.PENDING
    return enqueue(session, "email", payload, key=key, status=status, skipped_reason=reason)


@dataclass(frozen=True, slots=True)
class Email:
    """One mail for ``enqueue_emails``: the arguments of ``enqueue_email``."""

    to: str | None
    template: str
    context: dict[str, Any]
    key: str
    locale: str | None = DEFAULT_LOCALE
    to_name: str | None = None


BATCH_ROWS = 500  # rows per INSERT (SQLite allows 32,766 bound values per statement)


def enqueue_emails(session: Session, mails: Sequence[Email]) -> None:
    """``enqueue_email`` for many mails at once (a roster's grants): a few multi-row
    INSERTs, no read per mail; a key that exists already adds nothing. Never commits."""
    rows = []
    for item in mails:
        payload, reason = _email_payload(
            item.to, item.template, item.context, item.locale, item.to_name, ()
        )
        status = OutboxStatus.SKIPPED if reason else OutboxStatus.PENDING
        rows.append(_values("email", payload, item.key, status, reason))
    for start in range(0, len(rows), BATCH_ROWS):
        _insert_ignoring_known_keys(session, rows[start : start + BATCH_ROWS])


def _email_payload(
    to: str | None,
    template: str,
    context: dict[str, Any],
    locale: str | None,
    to_name: str | None,
    attachments: Sequence[mail.Attachment],
) -> tuple[dict[str, Any], str | None]:
    """The rendered mail as an outbox payload, and why it cannot be sent (or ``None``)."""
    rendered = mail.render(template, context, locale)
    payload: dict[str, Any] = {
        "to": to or "",
        # A display name from an LMS claim: one line, whatever it held.
        "to_name": " ".join((to_name or "").split()),
        "template": template,
        "locale": rendered.locale,
        "subject": rendered.subject,
        "text": rendered.text,
        "html": rendered.html,
    }
    if attachments:
        payload["attachments"] = mail.attachments_to_payload(attachments)
    reason = None
    if not to:
        reason = NO_ADDRESS
    elif not mail.is_valid_address(to):
        reason = INVALID_ADDRESS
    return payload, reason
