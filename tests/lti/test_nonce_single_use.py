"""The nonce is single-use under concurrency: two launches presenting the same state and
nonce at the same time cannot both consume it (one UPDATE ... RETURNING each)."""

from __future__ import annotations

import threading

import pytest
from sqlmodel import Session

from kurswerk.core.clock import utcnow
from kurswerk.core.db import new_session
from lti import errors, login_state
from tests.lti.conftest import FORGER_ISSUER, register


@pytest.fixture
def platform_id(db: Session) -> int:
    return register(
        db,
        issuer=FORGER_ISSUER,
        client_id="c",
        deployment_id="1",
        auth_url=FORGER_ISSUER + "/auth",
        keyset_url=FORGER_ISSUER + "/jwks",
    )


def _save(engine, platform_id: int, state: str, nonce: str) -> None:
    with new_session(engine) as session:
        login_state.save_login_state(
            session,
            state=state,
            nonce=nonce,
            platform_id=platform_id,
            login_params={},
            ttl_seconds=600,
            now=utcnow(),
        )
        session.commit()


def test_concurrent_consumers_of_one_nonce_cannot_both_pass(engine, platform_id):
    _save(engine, platform_id, "state-1", "nonce-1")
    first = new_session(engine)
    login_state.consume_login_state(
        first, state="state-1", nonce="nonce-1", platform_id=platform_id, now=utcnow()
    )  # consumed, not yet committed: the row (or database) stays locked
    outcome: list[object] = []
    started = threading.Event()

    def second_launch() -> None:
        with new_session(engine) as second:
            started.set()
            try:
                login_state.consume_login_state(
                    second, state="state-1", nonce="nonce-1", platform_id=platform_id, now=utcnow()
                )
                second.commit()
                outcome.append("passed")
            except errors.LaunchError as exc:
                outcome.append(exc)

    thread = threading.Thread(target=second_launch)
    thread.start()
    started.wait()
    thread.join(timeout=0.5)  # it waits for the first transaction's lock...
    first.commit()  # ...until the first launch commits
    first.close()
    thread.join()
    assert len(outcome) == 1 and isinstance(outcome[0], errors.ReplayedLaunch)


def test_a_rolled_back_launch_leaves_the_login_usable(engine, platform_id):
    _save(engine, platform_id, "state-2", "nonce-2")
    with new_session(engine) as failing:
        login_state.consume_login_state(
            failing, state="state-2", nonce="nonce-2", platform_id=platform_id, now=utcnow()
        )
        failing.rollback()  # e.g. the database failed later in the same request
    with new_session(engine) as retry:
        login_state.consume_login_state(
            retry, state="state-2", nonce="nonce-2", platform_id=platform_id, now=utcnow()
        )
        retry.commit()


def test_state_from_another_platform_is_refused(engine, platform_id, db):
    other = register(
        db,
        issuer="https://other.example.org",
        client_id="c",
        deployment_id="1",
        auth_url="https://other.example.org/auth",
        keyset_url="https://other.example.org/jwks",
    )
    _save(engine, platform_id, "state-3", "nonce-3")
    with new_session(engine) as session, pytest.raises(errors.StateMismatch):
        login_state.consume_login_state(
            session, state="state-3", nonce="nonce-3", platform_id=other, now=utcnow()
        )


def test_purge_removes_only_expired_rows(engine, platform_id):
    from datetime import timedelta

    _save(engine, platform_id, "state-old", "nonce-old")
    _save(engine, platform_id, "state-new", "nonce-new")
    with new_session(engine) as session:
        later = utcnow() + timedelta(seconds=601)
        login_state.put_launch_data(session, key="k-old", value="{}", expires_at=utcnow())
        login_state.put_launch_data(
            session, key="k-new", value="{}", expires_at=later + timedelta(1)
        )
        session.commit()
        # Everything saved above expires within 601 s except "k-new".
        assert login_state.purge_expired(session, now=later) == 3
        session.commit()
        assert login_state.get_launch_data(session, key="k-new", now=utcnow()) == "{}"
