"""``kurswerk.core.db.upsert``: the one INSERT with ``ON CONFLICT`` for both databases (run
this file with ``KURSWERK_TEST_DATABASE`` set to each). A conflict never aborts the
transaction it happens in; DO NOTHING keeps the row, DO UPDATE changes it (only where
its condition holds), and RETURNING names the row written, or none."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, select
from sqlmodel import Session

from kurswerk.core.db import new_session, upsert
from lti.models import LaunchDataRecord

T0 = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
table = LaunchDataRecord.__table__  # type: ignore[attr-defined]


def stored(session: Session) -> dict[str, str]:
    return {row.key: row.value for row in session.execute(select(table.c.key, table.c.value))}


def put(session: Session, key: str, value: str) -> None:
    session.execute(
        upsert(session, LaunchDataRecord)
        .values(key=key, value=value, expires_at=T0)
        .on_conflict_do_nothing(index_elements=["key"])
    )


def test_do_nothing_keeps_the_first_row_and_the_transaction_goes_on(engine: Engine):
    with new_session(engine) as session:
        put(session, "a", "first")
        put(session, "a", "second")  # a plain INSERT would abort the transaction here
        put(session, "b", "other")
        session.commit()
    with new_session(engine) as session:
        assert stored(session) == {"a": "first", "b": "other"}


def test_do_update_writes_the_excluded_values_where_its_condition_holds(engine: Engine):
    def renew(session: Session, value: str, expires_at: datetime) -> list[str]:
        insert = upsert(session.connection(), table).values(
            key="a", value=value, expires_at=expires_at
        )
        statement = insert.on_conflict_do_update(
            index_elements=["key"],
            set_={"value": insert.excluded.value, "expires_at": insert.excluded.expires_at},
            where=table.c.expires_at < insert.excluded.expires_at,  # only forwards
        ).returning(table.c.key)
        return [row.key for row in session.execute(statement)]

    with new_session(engine) as session:
        assert renew(session, "first", T0) == ["a"]  # inserted
        assert renew(session, "later", T0 + timedelta(hours=1)) == ["a"]  # updated
        assert renew(session, "earlier", T0) == []  # condition false: nothing written
        session.commit()
    with new_session(engine) as session:
        assert stored(session) == {"a": "later"}


def test_a_dialect_name_gives_that_dialects_statement(engine: Engine):
    statement = upsert(engine.dialect.name, table).values(key="k", value="v", expires_at=T0)
    with engine.begin() as connection:
        connection.execute(statement.on_conflict_do_nothing())
        connection.execute(statement.on_conflict_do_nothing())
    with new_session(engine) as session:
        assert stored(session) == {"k": "v"}


def test_other_databases_are_refused():
    with pytest.raises(NotImplementedError, match="mysql"):
        upsert("mysql", table)
