"""The demo's local SMTP catcher: an aiosmtpd server on loopback that keeps what it
receives in memory, for the simulator's "Postausgang (Demo)" page (issue 3 §4: "a
newcomer can follow the whole loop").

``MailStore`` is the shared part: the catcher writes to it from its own thread, the
simulator's pages read from it. It holds the newest ``limit`` mails only (a demo left
running for days should not grow without bound); with a ``path`` (the demo's data
folder) it keeps them across restarts as JSON lines. Nothing here renders mail HTML: the
pages show it in a sandboxed frame (see ``templates/devplatform/mail.html``).

Of a mail's attachments it keeps the name, the type and the size, and the text of a
calendar invitation (``text/calendar``, an office hour's ``.ics``): the mail's page offers
it for download, so a calendar can import it. Other files (a feedback PDF) are not kept.
"""

from __future__ import annotations

import email
import email.policy
import json
import logging
import socket
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller

from kurswerk.core.clock import utcnow
from kurswerk.devplatform.persist import plain, read_json_lines, write_atomically

LOOPBACK = "127.0.0.1"


CALENDAR = "text/calendar"


@dataclass(frozen=True)
class CaughtAttachment:
    filename: str
    content_type: str  # as the mail says it, with its parameters: ``text/calendar; method=...``
    size: int  # bytes
    text: str | None = None  # the content of a calendar invitation; None for other files

    @property
    def is_calendar(self) -> bool:
        return self.text is not None


@dataclass(frozen=True)
class CaughtMail:
    id: int
    received_at: datetime
    mail_from: str
    to: tuple[str, ...]
    subject: str
    text: str | None
    html: str | None
    attachments: tuple[CaughtAttachment, ...] = ()

    def attachment(self, number: int) -> CaughtAttachment | None:
        """The ``number``-th attachment (from 1), if there is one."""
        return self.attachments[number - 1] if 0 < number <= len(self.attachments) else None


def _part(message: EmailMessage, subtype: str) -> str | None:
    body = message.get_body(preferencelist=(subtype,))
    if body is None or body.get_content_type() != f"text/{subtype}":
        return None
    content = body.get_content()
    return content if isinstance(content, str) else None


def _attachments(message: EmailMessage) -> tuple[CaughtAttachment, ...]:
    found = []
    for part in message.iter_attachments():
        payload = part.get_payload(decode=True)
        size = len(payload) if isinstance(payload, bytes) else 0
        text = None
        if part.get_content_type() == CALENDAR:
            content = part.get_content()
            text = content if isinstance(content, str) else None
        found.append(
            CaughtAttachment(
                filename=part.get_filename() or "",
                content_type=" ".join(str(part.get("Content-Type", "")).split()),
                size=size,
                text=text,
            )
        )
    return tuple(found)


class MailStore:
    """The newest ``limit`` caught mails, safe to share between threads."""

    def __init__(self, limit: int = 500, *, path: Path | None = None) -> None:
        self._mails: deque[CaughtMail] = deque(maxlen=limit)
        self._next_id = 1
        self._lock = threading.Condition()
        self._path = path
        if path is not None:
            self._load(path)

    def _load(self, path: Path) -> None:
        for row in read_json_lines(path):
            try:
                mail = CaughtMail(
                    **{
                        **row,
                        "received_at": datetime.fromisoformat(row["received_at"]),
                        "to": tuple(row["to"]),
                        "attachments": tuple(
                            CaughtAttachment(**item) for item in row.get("attachments", ())
                        ),
                    }
                )
            except (KeyError, TypeError, ValueError):
                continue
            self._mails.append(mail)
            self._next_id = max(self._next_id, mail.id + 1)
        # only the kept ones stay on disk: the file does not grow without bound either
        write_atomically(path, "".join(_line(mail) for mail in self._mails))

    def add(self, raw: bytes, *, mail_from: str, to: tuple[str, ...]) -> CaughtMail:
        parsed = email.message_from_bytes(raw, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        with self._lock:
            mail = CaughtMail(
                id=self._next_id,
                received_at=utcnow(),
                mail_from=mail_from,
                to=to,
                subject=str(parsed.get("Subject", "")),
                text=_part(parsed, "plain"),
                html=_part(parsed, "html"),
                attachments=_attachments(parsed),
            )
            self._next_id += 1
            self._mails.append(mail)
            if self._path is not None:
                with self._path.open("a", encoding="utf-8") as kept:
                    kept.write(_line(mail))
            self._lock.notify_all()
        return mail

    def newest_first(self) -> list[CaughtMail]:
        with self._lock:
            return list(reversed(self._mails))

    def get(self, mail_id: int) -> CaughtMail | None:
        with self._lock:
            return next((m for m in self._mails if m.id == mail_id), None)

    def wait_for(self, count: int, timeout: float) -> bool:
        """Block until ``count`` mails were caught (for tests of background delivery)."""
        with self._lock:
            return self._lock.wait_for(lambda: self._next_id - 1 >= count, timeout)

    def wait_for_mail(
        self, wanted: Callable[[CaughtMail], bool], timeout: float
    ) -> CaughtMail | None:
        """The oldest kept mail ``wanted`` accepts, waiting up to ``timeout`` seconds for
        one to arrive; ``None`` if none did (for tests of background delivery)."""
        found: list[CaughtMail] = []

        def arrived() -> bool:
            found[:] = [mail for mail in self._mails if wanted(mail)][:1]
            return bool(found)

        with self._lock:
            return found[0] if self._lock.wait_for(arrived, timeout) else None


def _line(mail: CaughtMail) -> str:
    return json.dumps(plain(mail), ensure_ascii=False) + "\n"


class _Handler:
    def __init__(self, store: MailStore) -> None:
        self.store = store

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's hook
        raw = bytes(envelope.original_content or envelope.content)
        self.store.add(raw, mail_from=str(envelope.mail_from), to=tuple(envelope.rcpt_tos))
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((LOOPBACK, 0))
        return int(probe.getsockname()[1])


class MailCatcher:
    """An SMTP server on ``127.0.0.1:port`` (a free one unless given) filling ``store``."""

    def __init__(self, store: MailStore | None = None, *, port: int = 0) -> None:
        self.store = store or MailStore()
        self.port = port or _free_port()
        self._controller: Controller | None = None

    @property
    def url(self) -> str:
        """For ``KURSWERK_SMTP_URL``."""
        return f"smtp://{LOOPBACK}:{self.port}"

    def start(self) -> MailCatcher:
        # aiosmtpd narrates every SMTP conversation at INFO; the demo's log stays quiet.
        logging.getLogger("mail.log").setLevel(logging.WARNING)
        self._controller = Controller(
            _Handler(self.store), hostname=LOOPBACK, port=self.port, server_hostname="localhost"
        )
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None
