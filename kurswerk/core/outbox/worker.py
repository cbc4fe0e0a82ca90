"""Delivering the outbox: the handler per kind and the worker loop (DESIGN.md §2 step 5).

``kurswerk worker`` runs ``run_worker`` in the foreground; ``kurswerk demo`` runs the same
loop on a thread with ``start_background_worker(settings)`` and ``.stop()`` at exit. The
rules of claiming, retrying and leases live in ``kurswerk.core.outbox.delivery``.

Handlers are plain callables keyed by the row's ``kind``: ``email`` is here; the domains'
kinds (``lms_call``: AGS scores; ``roster_refresh``) come from the slot
:data:`OUTBOX_HANDLERS`, which the composition root fills (the shell cannot import the
domains). A handler returns on success, raises ``PermanentError`` (with the other side's
answer) when retrying cannot help, and anything else to be retried.

*Periodic tasks* are work the loop also does every so often, such as enqueuing the daily
digest of new submissions for tutors. The domains' jobs come from the slot
:data:`PERIODIC_JOBS` (each makes its task from the worker's settings);
``run(engine, now)`` opens and commits its own transaction. Several workers may run the
same task at once, so a task must be idempotent (the digest dedups its outbox rows by
key). A task that raises is logged and tried again at its next turn; it never stops
delivery.
"""

from __future__ import annotations

import logging
import smtplib
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from kurswerk.core import mail
from kurswerk.core.clock import utcnow
from kurswerk.core.db import make_engine
from kurswerk.core.extensions import Slot, extensions
from kurswerk.core.outbox.queue import (
    DeliveryReport,
    Handler,
    OutboxItem,
    PermanentError,
    RetryPolicy,
    deliver_due,
)
from kurswerk.core.settings import Settings

__all__ = [
    "BackgroundWorker",
    "EmailHandler",
    "PeriodicTask",
    "OUTBOX_HANDLERS",
    "PERIODIC_JOBS",
    "all_handlers",
    "default_handlers",
    "periodic_tasks",
    "run_worker",
    "start_background_worker",
]

log = logging.getLogger(__name__)


# --- handlers -------------------------------------------------------------------------


class EmailHandler:
    """Delivers ``email`` rows over ``KURSWERK_SMTP_URL``.

    A refusal that names this message (recipient refused with 5xx, data refused with 5xx)
    is permanent. Anything else (server down, timeouts, 4xx, authentication or sender
    problems, which are configuration to fix) is retried with backoff.
    """

    def __init__(self, settings: Settings) -> None:
        self.smtp_url = settings.smtp_url
        self.mail_from = settings.mail_from
        self.timeout = settings.smtp_timeout_seconds
        self.local_hostname = urlsplit(settings.base_url).hostname or "localhost"
        mail.parse_smtp_url(self.smtp_url)  # refuse a malformed URL at start-up

    def __call__(self, item: OutboxItem) -> None:
        payload = item.payload
        try:
            message = mail.build_message(
                mail.RenderedEmail(payload["subject"], payload["text"], payload["html"]),
                to=payload["to"],
                to_name=payload.get("to_name") or None,
                mail_from=self.mail_from,
                message_id=mail.message_id_for(item.uid, self.mail_from),
                attachments=mail.attachments_from_payload(payload.get("attachments") or []),
            )
        except (KeyError, TypeError, ValueError) as exc:
            # The row itself is broken; sending it again cannot help.
            raise PermanentError("message cannot be built", answer=repr(exc)) from exc
        try:
            mail.send(
                message, self.smtp_url, timeout=self.timeout, local_hostname=self.local_hostname
            )
        except smtplib.SMTPRecipientsRefused as exc:
            answers = [(code, text) for code, text in exc.recipients.values()]
            if answers and all(500 <= code < 600 for code, _ in answers):
                raise PermanentError(
                    "recipient refused", answer="; ".join(_answer(c, t) for c, t in answers)
                ) from exc
            raise
        except smtplib.SMTPDataError as exc:
            if 500 <= exc.smtp_code < 600:
                raise PermanentError(
                    "message refused", answer=_answer(exc.smtp_code, exc.smtp_error)
                ) from exc
            raise


def _answer(code: int, text: bytes | str) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return f"{code} {text}"


def default_handlers(settings: Settings) -> dict[str, Handler]:
    """The shell's own handlers (emails)."""
    return {"email": EmailHandler(settings)}


HandlerFactory = Callable[[Settings, Engine], Handler]
OUTBOX_HANDLERS: Slot[Mapping[str, HandlerFactory]] = Slot("outbox handlers")
"""The domains' handlers by kind, each made from the worker's settings and engine."""


def all_handlers(settings: Settings, engine: Engine) -> dict[str, Handler]:
    """The shell's handlers and the domains' (:data:`OUTBOX_HANDLERS`)."""
    made = {kind: make(settings, engine) for kind, make in extensions.get(OUTBOX_HANDLERS).items()}
    return {**default_handlers(settings), **made}


# --- periodic tasks -------------------------------------------------------------------


@dataclass(frozen=True)
class PeriodicTask:
    """``run(engine, now)`` every ``every_seconds`` of the loop (first at its start)."""

    name: str
    every_seconds: float
    run: Callable[[Engine, datetime], object]

    def __post_init__(self) -> None:
        if self.every_seconds <= 0:
            raise ValueError("every_seconds must be positive")


PeriodicJob = Callable[[Settings], PeriodicTask]
PERIODIC_JOBS: Slot[tuple[PeriodicJob, ...]] = Slot("periodic jobs")
"""The domains' periodic jobs: each makes its task from the worker's settings."""


def periodic_tasks(settings: Settings) -> tuple[PeriodicTask, ...]:
    """The tasks of :data:`PERIODIC_JOBS` for a worker with these settings (one per name:
    a later job of the same name replaces an earlier one)."""
    tasks = {task.name: task for task in (job(settings) for job in extensions.get(PERIODIC_JOBS))}
    return tuple(tasks.values())


class _Schedule:
    """When each periodic task is next due (monotonic clock: immune to clock changes)."""

    def __init__(self, tasks: Sequence[PeriodicTask]) -> None:
        self.tasks = tuple(tasks)
        self.next_at = {task.name: 0.0 for task in self.tasks}

    def run_due(self, engine: Engine) -> None:
        for task in self.tasks:
            now = time.monotonic()
            if now < self.next_at[task.name]:
                continue
            self.next_at[task.name] = now + task.every_seconds
            try:
                task.run(engine, utcnow())
            except Exception:
                log.exception("periodic task %s failed; it runs again at its next turn", task.name)


# --- the worker -----------------------------------------------------------------------


def run_worker(
    settings: Settings,
    *,
    stop_event: threading.Event | None = None,
    poll_seconds: float = 1.0,
    once: bool = False,
    engine: Engine | None = None,
    handlers: Mapping[str, Handler] | None = None,
    batch: int = 20,
    periodic: Sequence[PeriodicTask] | None = None,
) -> DeliveryReport:
    """Deliver until ``stop_event`` is set (or, with ``once``, until nothing is due).

    A full batch is followed at once by the next; otherwise the loop waits
    ``poll_seconds`` (or less, when stopped). A database error is logged and retried
    after a pause: the worker outlives a database restart. ``handlers`` are by default
    :func:`all_handlers`. ``periodic`` tasks (by default :func:`periodic_tasks`) run
    before delivery whenever they are due; with ``once`` each runs once, at the start.
    """
    if batch < 1 or poll_seconds <= 0:
        raise ValueError("batch must be at least 1 and poll_seconds positive")
    stop_event = stop_event or threading.Event()
    own_engine = engine is None
    engine = engine or make_engine(settings.database_url)
    handlers = handlers if handlers is not None else all_handlers(settings, engine)
    policy = RetryPolicy.from_settings(settings)
    schedule = _Schedule(periodic_tasks(settings) if periodic is None else periodic)
    total = DeliveryReport()
    started = False
    try:
        while not stop_event.is_set():
            if not (once and started):
                schedule.run_due(engine)
            started = True
            try:
                report = deliver_due(engine, handlers, batch=batch, policy=policy)
            except SQLAlchemyError:
                log.exception("outbox worker: database error; retrying")
                if once:
                    raise
                stop_event.wait(max(poll_seconds, 5.0))
                continue
            total.sent += report.sent
            total.retrying += report.retrying
            total.failed += report.failed
            total.lost_lease += report.lost_lease
            total.errors += report.errors
            if report.processed >= batch:
                continue
            # With ``once``, stop when no more rows are due *now* (retries are later).
            if once and report.processed == 0:
                break
            if not once:
                stop_event.wait(poll_seconds)
    finally:
        if own_engine:
            engine.dispose()
    return total


class BackgroundWorker:
    """``run_worker`` on a daemon thread, for ``kurswerk demo``: start, then ``stop()``."""

    def __init__(
        self,
        settings: Settings,
        *,
        engine: Engine | None = None,
        handlers: Mapping[str, Handler] | None = None,
        poll_seconds: float = 1.0,
        periodic: Sequence[PeriodicTask] | None = None,
    ) -> None:
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._run,
            kwargs={
                "settings": settings,
                "engine": engine,
                "handlers": handlers,
                "poll_seconds": poll_seconds,
                "periodic": periodic,
            },
            name="kurswerk-outbox",
            daemon=True,
        )

    def _run(self, **kwargs: Any) -> None:
        try:
            run_worker(stop_event=self._stop, **kwargs)
        except Exception:
            log.exception("outbox worker thread stopped by an unexpected error")

    def start(self) -> BackgroundWorker:
        self._thread.start()
        return self

    def stop(self, timeout: float | None = 30.0) -> None:
        """Finish the batch in hand (at most ``batch`` messages), then stop."""
        self._stop.set()
        self._thread.join(timeout)

    @property
    def running(self) -> bool:
        return self._thread.is_alive()


def start_background_worker(
    settings: Settings, *, engine: Engine | None = None, poll_seconds: float = 1.0
) -> BackgroundWorker:
    return BackgroundWorker(settings, engine=engine, poll_seconds=poll_seconds).start()
