"""Engine, constraint naming convention and the request's session.

The session dependency is the one owner of the transaction: services flush, never
commit; ``get_session`` commits when the route function returns and rolls back when it
raises. It runs with ``scope="function"`` so the commit happens *before* the response
is sent: a client never sees success for data that was not written.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi import Path as PathParam
from sqlalchemy import Column, Connection, DateTime, Table, UniqueConstraint, event, func, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Field, Session, SQLModel, create_engine

from kurswerk.core.clock import utcnow

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
SQLModel.metadata.naming_convention = NAMING_CONVENTION


def timestamp_column(nullable: bool = False) -> Any:
    """A column for a moment: stored with its time zone (every moment written is UTC)."""
    return Column(DateTime(timezone=True), nullable=nullable)


def timestamp_now() -> Any:
    """A model's field for a moment that is now unless given (``created_at``). Like
    :func:`timestamp_or_none`, it names the column's type, not a column, so a base class
    of several tables may declare it (each table gets a column of its own)."""
    return Field(default_factory=utcnow, sa_type=DateTime(timezone=True), nullable=False)


def timestamp_or_none() -> Any:
    """A model's field for a moment that may not have come (``archived_at``)."""
    return Field(default=None, sa_type=DateTime(timezone=True), nullable=True)


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create the engine; for SQLite, create the folder and enforce foreign keys."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        kwargs.setdefault("connect_args", {"check_same_thread": False, "timeout": 30})
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 20)
    return create_engine(url, **kwargs)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def is_postgres(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"


Upsert = postgresql.Insert | sqlite.Insert
"""An INSERT with PostgreSQL's and SQLite's common ``ON CONFLICT`` clauses."""


def upsert(on: Session | Connection | str, table: Table | type[SQLModel]) -> Upsert:
    """``INSERT INTO table`` in the dialect of ``on`` (a session, a connection or a dialect
    name), to be finished with ``.on_conflict_do_nothing(...)`` or
    ``.on_conflict_do_update(...)`` (``.excluded`` names the values that met the conflict),
    optionally ``.returning(...)``. The two dialects write the same SQL for these; a plain
    INSERT's unique violation would abort the caller's transaction on PostgreSQL."""
    if isinstance(on, Session):
        on = on.get_bind().dialect.name
    elif isinstance(on, Connection):
        on = on.dialect.name
    target = table if isinstance(table, Table) else _table_of(table)
    if on == "postgresql":
        return postgresql.insert(target)
    if on == "sqlite":
        return sqlite.insert(target)
    raise NotImplementedError(f"upserts are not supported on {on}")


def inserted_values(stmt: Upsert, *columns: str) -> dict[str, Any]:
    """The ``SET`` of ``.on_conflict_do_update(...)`` that writes the values that met the
    conflict into ``columns``."""
    return {column: stmt.excluded[column] for column in columns}


def inserted_unless_null(stmt: Upsert, *columns: str) -> dict[str, Any]:
    """The ``SET`` of ``.on_conflict_do_update(...)`` for optional ``columns``: a value that
    met the conflict replaces the stored one, a ``NULL`` keeps it."""
    return {
        column: func.coalesce(stmt.excluded[column], stmt.table.c[column]) for column in columns
    }


def new_session(engine: Engine) -> Session:
    return Session(engine, expire_on_commit=False)


def get_session(request: Request) -> Iterator[Session]:
    session = new_session(request.app.state.engine)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


SessionDep = Annotated[Session, Depends(get_session, scope="function")]

_HELD_ROWS = "kurswerk.core.db.held_rows"


def lock_row(session: Session, model: type[SQLModel], row_id: int) -> None:
    """Hold the row ``row_id`` of ``model`` until the session's transaction ends, so that
    a check and the write it allows (a count before an insert: the forum's flood limit, a
    submission quota; "not yet granted" before a grant) cannot interleave with another
    transaction holding the same row. Call it *before* reading what it protects; a second
    call for the same row in the same transaction writes nothing more.

    The lock is a write that changes nothing (a column set to itself), the same statement
    on both databases:

    * PostgreSQL: the row's lock (``FOR NO KEY UPDATE``: inserts that merely reference
      the row stay free). A second transaction waits for it, and its next statement sees
      what the first committed (READ COMMITTED: each statement reads the latest commits).
    * SQLite: the database's one write lock, taken now. The driver opens a transaction
      only at the first write, so what was read before ran outside it, and what is read
      after it is the latest committed state; a second writer waits here (busy timeout).
    """
    table = _table_of(model)
    if (table.name, row_id) in _held_rows(session):
        return
    [key] = table.primary_key.columns
    column = _lock_column(table)
    session.execute(update(table).where(key == row_id).values({column.name: column}))
    _held_rows(session).add((table.name, row_id))  # the transaction the write began


def holds_row_lock(session: Session, model: type[SQLModel], row_id: int) -> bool:
    """Whether ``lock_row`` took this row in the session's current transaction."""
    return (_table_of(model).name, row_id) in _held_rows(session)


def _held_rows(session: Session) -> set[tuple[str, int]]:
    """The rows ``lock_row`` holds in the session's current transaction (empty when none
    is open: a commit or rollback released them)."""
    transaction = session.get_transaction()
    if transaction is None:
        return set()
    held = session.info.get(_HELD_ROWS)
    if held is None or held[0] is not transaction:
        held = (transaction, set())
        session.info[_HELD_ROWS] = held
    rows: set[tuple[str, int]] = held[1]
    return rows


def _table_of(model: type[SQLModel]) -> Table:
    table = model.__table__  # type: ignore[attr-defined]
    assert isinstance(table, Table)
    return table


@cache
def _lock_column(table: Table) -> Column[Any]:
    """The column ``lock_row`` sets to itself: the first that is no key and in no index,
    so the no-op write checks no foreign key and touches no index."""
    indexed = {c for index in table.indexes for c in index.columns}
    indexed |= {c for u in table.constraints if isinstance(u, UniqueConstraint) for c in u.columns}
    for column in table.columns:
        if not (column.primary_key or column.foreign_keys or column in indexed):
            return column
    raise LookupError(f"{table.name} has no plain column to lock its rows with")


MAX_ROW_ID = 2_147_483_647
"""Ids are 32-bit INTEGER columns: a larger number in a URL can name no row, and passed
to the database it is an error (PostgreSQL: out of range; SQLite: too large)."""

RowId = Annotated[int, PathParam(ge=1, le=MAX_ROW_ID)]
"""A row id in a URL path: out of range answers 4xx before any query runs."""
