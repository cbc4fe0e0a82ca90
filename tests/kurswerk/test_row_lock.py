"""``kurswerk.core.db.lock_row``: the one lock every check-then-insert rule takes (the forum's
flood limit, reports, promoting to the FAQ, the submission quota, grants). What it
promises on both databases: its write changes nothing, what is read after it is what
others committed before it (also after a read in the same session), and a second call
in the same transaction writes nothing more. That a second transaction waits at it is
tested with real requests (``tests/course/test_posting_at_once.py``,
``tests/uploads/test_submission_live.py``, the grant tests)."""

from __future__ import annotations

from sqlalchemy import Engine, select, update
from sqlmodel import Session

from kurswerk.core.db import holds_row_lock, lock_row, new_session
from lti.models import PlatformUser
from tests.support.people import MakeLearner, make_learner
from tests.support.statements import statements

__all__ = ["make_learner"]


def name_of(session: Session, user_id: int) -> str | None:
    return session.execute(select(PlatformUser.name).where(PlatformUser.id == user_id)).scalar()


def test_what_is_read_after_the_lock_is_what_others_committed_before_it(
    engine: Engine, make_learner: MakeLearner
):
    """A request reads, another commits a change, the first locks and reads again: it
    sees the change (no older snapshot kept from its first read), and the lock's write
    left the other's value as it was."""
    user_id = make_learner(name="Anna Andersen").principal.user_id
    with new_session(engine) as first, new_session(engine) as other:
        assert name_of(first, user_id) == "Anna Andersen"
        other.execute(update(PlatformUser).where(PlatformUser.id == user_id).values(name="Anna B."))  # type: ignore[arg-type]
        other.commit()
        lock_row(first, PlatformUser, user_id)
        assert name_of(first, user_id) == "Anna B."
        first.commit()
    with new_session(engine) as after:
        assert name_of(after, user_id) == "Anna B."


def test_a_second_lock_in_the_same_transaction_writes_nothing_and_a_commit_releases_it(
    engine: Engine, make_learner: MakeLearner
):
    user_id = make_learner().principal.user_id
    with new_session(engine) as session:
        assert not holds_row_lock(session, PlatformUser, user_id)
        with statements(engine) as seen:
            lock_row(session, PlatformUser, user_id)
            lock_row(session, PlatformUser, user_id)
        assert len([s for s in seen if s.lstrip().upper().startswith("UPDATE")]) == 1
        assert holds_row_lock(session, PlatformUser, user_id)
        session.commit()
        assert not holds_row_lock(session, PlatformUser, user_id)
