"""The tool's keys as data: the signing key, rotation, and which keys are published.

Platforms verify what the tool signs (deep-linking responses, the client assertions of
AGS/NRPS token requests) with the keys at ``/lti/jwks`` (Security Framework §6.3). A
rotation must not break a platform that cached the key set a moment ago, so
``rotate_tool_key`` makes a *new* key the signing key while the old one stays in the
key set for the overlap period (``KURSWERK_TOOL_KEY_OVERLAP_HOURS``); a platform that
meets the new ``kid`` fetches the key set again. After the overlap the old key is
deleted (``drop_expired_keys``, run by the rotation and by ``KeyRing`` reloads).

``KeyRing`` is the per-process view: keys parsed once (a PEM costs ~50 ms to parse),
re-read from the database every ``refresh_seconds`` so that a rotation done by the
command line reaches running servers and workers. Publishing comes before signing: every
process publishes a new key at its next reload, but signs with it only once the key is
``activation_seconds`` old (twice the refresh interval); until then the previous key
signs. Otherwise a worker that reloaded first would sign token requests with a key the
web servers do not publish yet, and the platform would refuse them.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from kurswerk.core.clock import as_utc, utcnow
from kurswerk.core.db import new_session
from lti.models import ToolKey, table_of
from lti.toolkey import ToolKeyPair, generate_private_key_pem

log = logging.getLogger("kurswerk.lti.keys")

TOOL_KEY_SLOT = "signing"
RETIRED_SLOT_PREFIX = "retired-"
KEYRING_REFRESH_SECONDS = 60.0
ACTIVATION_SECONDS = 2 * KEYRING_REFRESH_SECONDS

_keys = table_of(ToolKey)


def get_tool_key(session: Session) -> ToolKey | None:
    """The current signing key's row, if one exists."""
    return session.exec(select(ToolKey).where(ToolKey.slot == TOOL_KEY_SLOT)).first()


def add_tool_key(session: Session, private_key_pem: str, *, now: datetime | None = None) -> ToolKey:
    """Store a new signing key (flushes; the unique slot makes a concurrent second fail)."""
    pair = ToolKeyPair.from_pem(private_key_pem)
    row = ToolKey(
        slot=TOOL_KEY_SLOT,
        kid=pair.kid,
        private_key_pem=private_key_pem,
        created_at=now or utcnow(),
    )
    session.add(row)
    session.flush()
    return row


@dataclass(frozen=True, slots=True)
class Rotation:
    new_kid: str
    retired_kid: str | None
    signs_from: datetime  # when processes start signing with the new key
    published_until: datetime | None  # when the retired key leaves the key set
    dropped_kids: tuple[str, ...]  # keys whose overlap had already ended


def rotate_tool_key(
    session: Session,
    *,
    overlap: timedelta,
    now: datetime | None = None,
    private_key_pem: str | None = None,
) -> Rotation:
    """Retire the signing key (kept published for ``overlap``) and make a new one.

    Flushes, never commits. Two rotations at the same moment cannot both succeed: the
    second one's new key collides on the unique ``signing`` slot.
    """
    now = now or utcnow()
    dropped = drop_expired_keys(session, overlap=overlap, now=now)
    current = get_tool_key(session)
    retired_kid = None
    if current is not None:
        session.execute(
            update(_keys)
            .where(_keys.c.id == current.id)
            .values(slot=f"{RETIRED_SLOT_PREFIX}{current.id}", retired_at=now)
        )
        retired_kid = current.kid
        session.expire(current)
    new = add_tool_key(session, private_key_pem or generate_private_key_pem(), now=now)
    return Rotation(
        new_kid=new.kid,
        retired_kid=retired_kid,
        signs_from=now + timedelta(seconds=ACTIVATION_SECONDS) if retired_kid else now,
        published_until=now + overlap if retired_kid else None,
        dropped_kids=tuple(dropped),
    )


def published_keys(session: Session, *, overlap: timedelta, now: datetime) -> list[ToolKey]:
    """The signing key first, then retired keys still inside their overlap period."""
    rows = session.exec(select(ToolKey).order_by(col(ToolKey.id).desc())).all()
    signing = [row for row in rows if row.slot == TOOL_KEY_SLOT]
    retired = [
        row for row in rows if row.retired_at is not None and as_utc(row.retired_at) + overlap > now
    ]
    return signing + retired


def drop_expired_keys(session: Session, *, overlap: timedelta, now: datetime) -> list[str]:
    """Delete retired keys whose overlap has ended; returns their kids."""
    cutoff = now - overlap
    expired = session.exec(
        select(ToolKey.kid).where(
            col(ToolKey.retired_at).is_not(None), col(ToolKey.retired_at) <= cutoff
        )
    ).all()
    if expired:
        session.execute(delete(_keys).where(_keys.c.kid.in_(expired)))
    return list(expired)


class KeyRing:
    """The signing key and the published key set of this process, refreshed now and then."""

    def __init__(
        self,
        engine: Engine,
        *,
        overlap: timedelta,
        refresh_seconds: float = KEYRING_REFRESH_SECONDS,
        activation_seconds: float = ACTIVATION_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._engine = engine
        self._overlap = overlap
        self._refresh_seconds = refresh_seconds
        self._activation = timedelta(seconds=activation_seconds)
        self._clock = clock
        self._lock = threading.Lock()
        self._parsed: dict[str, ToolKeyPair] = {}
        self._signing: ToolKeyPair | None = None
        self._jwks_body = b""
        self._loaded_at: float | None = None

    def signing(self) -> ToolKeyPair:
        self._ensure_fresh()
        assert self._signing is not None
        return self._signing

    def jwks_body(self) -> bytes:
        self._ensure_fresh()
        return self._jwks_body

    def published_kids(self) -> list[str]:
        return [key["kid"] for key in json.loads(self.jwks_body())["keys"]]

    def reload(self) -> None:
        """Read the keys now (after a rotation in this process, or in tests)."""
        with self._lock:
            self._load()

    def _ensure_fresh(self) -> None:
        if self._fresh():
            return
        with self._lock:
            if not self._fresh():
                self._load()

    def _fresh(self) -> bool:
        return (
            self._loaded_at is not None and self._clock() - self._loaded_at < self._refresh_seconds
        )

    def _load(self) -> None:
        now = utcnow()
        with new_session(self._engine) as session:
            if get_tool_key(session) is None:
                try:
                    row = add_tool_key(session, generate_private_key_pem())
                    session.commit()
                    log.info("generated the tool key %s", row.kid)
                except IntegrityError:  # another process was first: use its key
                    session.rollback()
            dropped = drop_expired_keys(session, overlap=self._overlap, now=now)
            if dropped:
                session.commit()
                log.info("dropped tool keys after their overlap: %s", ", ".join(dropped))
            rows = published_keys(session, overlap=self._overlap, now=now)
        pairs = [self._pair(row) for row in rows]
        current = [i for i, row in enumerate(rows) if row.slot == TOOL_KEY_SLOT]
        if not current:  # pragma: no cover - created above, or by the winner of the race
            raise RuntimeError("no tool signing key in the database")
        signer = current[0]
        previous = [i for i, row in enumerate(rows) if row.retired_at is not None]
        if previous and as_utc(rows[signer].created_at) + self._activation > now:
            # Too new to sign with: other processes may not publish it yet.
            signer = max(previous, key=lambda i: as_utc(rows[i].retired_at or now))
        self._signing = pairs[signer]
        self._parsed = {pair.kid: pair for pair in pairs}
        self._jwks_body = json.dumps(
            {"keys": [pair.public_jwk() for pair in pairs]}, separators=(",", ":")
        ).encode()
        self._loaded_at = self._clock()

    def _pair(self, row: ToolKey) -> ToolKeyPair:
        pair = self._parsed.get(row.kid)
        return pair if pair is not None else ToolKeyPair.from_pem(row.private_key_pem)
