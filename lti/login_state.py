"""The server-side half of the OIDC ``state`` and ``nonce``, and the launch data store.

One ``lti_login_state`` row per login binds the state to its nonce (and platform). The
launch uses it up with a single ``UPDATE ... WHERE consumed_at IS NULL ... RETURNING``,
which makes the nonce single-use even under concurrency: of two launches with the same
state and nonce, the second waits for the first's row lock (PostgreSQL) or write lock
(SQLite) and then matches no row. Used rows stay until they expire, so a replay can be
named as such; then ``purge_expired`` removes them.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, delete, select, update
from sqlmodel import Session

from kurswerk.core.clock import as_utc
from kurswerk.core.db import inserted_values, upsert
from lti import errors
from lti.models import LaunchDataRecord, LoginState, table_of

_states = table_of(LoginState)
_launch_data = table_of(LaunchDataRecord)

_INSERT_STATE = _states.insert()
_CONSUME = (
    update(_states)
    .where(
        _states.c.state == bindparam("b_state"),
        _states.c.nonce == bindparam("b_nonce"),
        _states.c.platform_id == bindparam("b_platform_id"),
        _states.c.consumed_at.is_(None),
        _states.c.expires_at > bindparam("b_now"),
    )
    .values(consumed_at=bindparam("b_now"))
    .returning(_states.c.id)
)
_TAKE_PENDING = (
    update(_states)
    .where(
        _states.c.state == bindparam("b_state"),
        _states.c.consumed_at.is_(None),
        _states.c.expires_at > bindparam("b_now"),
    )
    .values(consumed_at=bindparam("b_now"))
    .returning(_states.c.login_params)
)
_PEEK_PENDING = select(_states.c.login_params).where(
    _states.c.state == bindparam("state"),
    _states.c.consumed_at.is_(None),
    _states.c.expires_at > bindparam("now"),
)
_STATE_BY_STATE = select(
    _states.c.nonce, _states.c.platform_id, _states.c.expires_at, _states.c.consumed_at
).where(_states.c.state == bindparam("state"))
_CONSUMED_BY_NONCE = select(_states.c.id).where(
    _states.c.nonce == bindparam("nonce"), _states.c.consumed_at.is_not(None)
)
_GET_LAUNCH_DATA = select(_launch_data.c.value).where(
    _launch_data.c.key == bindparam("key"), _launch_data.c.expires_at > bindparam("now")
)


def save_login_state(
    session: Session,
    *,
    state: str,
    nonce: str,
    platform_id: int,
    login_params: Mapping[str, str],
    ttl_seconds: int,
    now: datetime,
) -> None:
    session.connection().execute(
        _INSERT_STATE,
        {
            "state": state,
            "nonce": nonce,
            "platform_id": platform_id,
            "login_params": json.dumps(dict(login_params), separators=(",", ":")),
            "created_at": now,
            "expires_at": now + timedelta(seconds=ttl_seconds),
            "consumed_at": None,
        },
    )


def consume_login_state(
    session: Session, *, state: str, nonce: str, platform_id: int, now: datetime
) -> None:
    """Use up the login of a launch, atomically; raise a named error if it cannot be."""
    used = (
        session.connection()
        .execute(
            _CONSUME,
            {"b_state": state, "b_nonce": nonce, "b_platform_id": platform_id, "b_now": now},
        )
        .first()
    )
    if used is None:
        _diagnose(session, state=state, nonce=nonce, platform_id=platform_id, now=now)


def peek_pending_login(session: Session, *, state: str, now: datetime) -> dict[str, str]:
    """The login parameters of an unused state, which stays unused; raises like
    ``consume_login_state`` when the state cannot be used."""
    row = session.connection().execute(_PEEK_PENDING, {"state": state, "now": now}).first()
    if row is None:
        _diagnose(session, state=state, nonce=None, platform_id=None, now=now)
        raise AssertionError("unreachable")  # pragma: no cover - _diagnose always raises
    return _params(row[0])


def take_pending_login(session: Session, *, state: str, now: datetime) -> dict[str, str]:
    """The login parameters of an unused state, which is used up by taking them.

    For a launch that came back without our state cookie: the parameters let the user
    restart the login in a window of its own. Raises like ``consume_login_state``.
    """
    row = session.connection().execute(_TAKE_PENDING, {"b_state": state, "b_now": now}).first()
    if row is None:
        _diagnose(session, state=state, nonce=None, platform_id=None, now=now)
        raise AssertionError("unreachable")  # pragma: no cover - _diagnose always raises
    return _params(row[0])


def _params(stored: str) -> dict[str, str]:
    params = json.loads(stored)
    return {str(k): str(v) for k, v in params.items()} if isinstance(params, dict) else {}


def _diagnose(
    session: Session, *, state: str, nonce: str | None, platform_id: int | None, now: datetime
) -> None:
    """Why a state could not be used (only on the failure path: extra queries are fine)."""
    connection = session.connection()
    record = connection.execute(_STATE_BY_STATE, {"state": state}).first()

    def nonce_already_used() -> bool:
        return (
            nonce is not None
            and connection.execute(_CONSUMED_BY_NONCE, {"nonce": nonce}).first() is not None
        )

    if record is None:
        if nonce_already_used():
            raise errors.ReplayedLaunch("nonce of a used launch presented with a new state")
        raise errors.StateMismatch("state unknown: forged, or purged after expiry")
    if record.consumed_at is not None:
        raise errors.ReplayedLaunch(f"state already used at {record.consumed_at}")
    if as_utc(record.expires_at) <= now:
        raise errors.LaunchExpired("login state expired before the launch arrived")
    if nonce is not None and record.nonce != nonce:
        if nonce_already_used():
            raise errors.ReplayedLaunch("nonce of a used launch presented with a new state")
        raise errors.StateMismatch("the token's nonce does not belong to this state")
    if platform_id is not None and record.platform_id != platform_id:
        raise errors.StateMismatch("state was issued for another platform")
    raise errors.StateMismatch("login state could not be used")


def purge_expired(session: Session, *, now: datetime) -> int:
    """Delete expired login states and launch data; returns the number of rows removed."""
    connection = session.connection()
    removed = 0
    for table in (_states, _launch_data):
        result = connection.execute(delete(table).where(table.c.expires_at <= now))
        removed += result.rowcount or 0
    return removed


@functools.cache
def _put_launch_data(dialect: str) -> Any:
    stmt = upsert(dialect, _launch_data)
    return stmt.on_conflict_do_update(
        index_elements=[_launch_data.c.key],
        set_=inserted_values(stmt, "value", "expires_at"),
    )


def put_launch_data(session: Session, *, key: str, value: str, expires_at: datetime) -> None:
    connection = session.connection()
    connection.execute(
        _put_launch_data(connection.dialect.name),
        {"key": key, "value": value, "expires_at": expires_at},
    )


def get_launch_data(session: Session, *, key: str, now: datetime) -> str | None:
    row = session.connection().execute(_GET_LAUNCH_DATA, {"key": key, "now": now}).first()
    return None if row is None else str(row[0])


def delete_launch_data(session: Session, *, key: str) -> bool:
    """Remove one entry; ``False`` if there was none (already used or purged)."""
    result = session.connection().execute(delete(_launch_data).where(_launch_data.c.key == key))
    return bool(result.rowcount)
