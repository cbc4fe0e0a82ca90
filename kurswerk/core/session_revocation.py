"""Ended sessions: the one piece of state behind the otherwise stateless session.

A session is a signed token naming a principal with a session id (``sid``); a launch
starts one, every page re-issues the page token for the same ``sid``. Logging out must
make the cookie *and* every page token of that session still in open tabs or in the
browser history useless, so the ``sid`` is written here until no token of it can still
be valid: tokens are refused once their ``sid`` is here, so none is re-issued after the
logout, and the newest one issued before it expires at most ``max(cookie, page token
lifetime)`` later.

Why a store keyed by ``sid`` and not a per-person "not before" time: a person may have
Kurswerk open in two LMS courses (two launches, two sessions). Logging out in one tab ends
that session only; the other course's tab keeps working, as does a fresh launch. A
per-person timestamp would end them all and would need a row per person touched on every
launch. The table only ever holds the sessions ended in the last few hours; rows past
their ``expires_at`` are deleted by the next logout.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Column, DateTime, bindparam, delete, select
from sqlalchemy.engine import Engine
from sqlmodel import Field, Session, SQLModel, col

from kurswerk.core.clock import utcnow


class RevokedSession(SQLModel, table=True):
    __tablename__ = "revoked_session"

    sid: str = Field(primary_key=True, max_length=64)
    expires_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))


def revoke(session: Session, sid: str, *, keep_for: timedelta) -> None:
    """Ends the session ``sid`` (in the caller's transaction); idempotent."""
    now = utcnow()
    session.execute(delete(RevokedSession).where(col(RevokedSession.expires_at) < now))
    if session.get(RevokedSession, sid) is None:
        session.add(RevokedSession(sid=sid, expires_at=now + keep_for))
    session.flush()


_LOOKUP = select(col(RevokedSession.sid)).where(col(RevokedSession.sid) == bindparam("sid"))
_readers: dict[Engine, Engine] = {}


def _reader(engine: Engine) -> Engine:
    """``engine`` for a lone read: on PostgreSQL in autocommit, which spares the lookup its
    BEGIN and ROLLBACK round trips (SQLite's driver opens no transaction for a SELECT)."""
    reader = _readers.get(engine)
    if reader is None:
        reader = engine
        if engine.dialect.name == "postgresql":
            reader = engine.execution_options(isolation_level="AUTOCOMMIT")
        if len(_readers) > 16:  # apps come and go in tests; a server has one engine
            _readers.clear()
        _readers[engine] = reader
    return reader


def is_revoked(engine: Engine, sid: str) -> bool:
    """Whether the session ``sid`` was ended. One primary-key lookup on its own connection:
    it runs before a route's own database session exists."""
    if not sid:
        return False
    with _reader(engine).connect() as connection:
        found = connection.execute(_LOOKUP, {"sid": sid}).first()
    return found is not None
