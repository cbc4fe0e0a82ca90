"""Rows written straight into an older schema (reflected tables, no models): what a
migration test arranges before it upgrades the database."""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from kurswerk.core import migrations
from kurswerk.core.db import make_engine

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
_numbers = itertools.count(1)


def _filler(column: sa.Column) -> Any:
    kind = column.type.python_type
    if kind is datetime:
        return NOW
    if kind is int:
        return 0
    if kind is bool:
        return False
    if kind is dict or kind is list:
        return kind()
    return f"x{next(_numbers)}"


def insert(connection: sa.Connection, table: sa.Table, **values: Any) -> int:
    """One row with ``values``; other required columns get plain values."""
    for column in table.columns:
        if column.name in values or column.nullable or column.primary_key:
            continue
        if column.server_default is None:
            values[column.name] = _filler(column)
    result = connection.execute(sa.insert(table).values(**values))
    key = result.inserted_primary_key
    return int(key[0]) if key and key[0] is not None else 0


def tables_now(engine: sa.Engine) -> Mapping[str, sa.Table]:
    """The database's tables as they are now (reflected, no models)."""
    meta = sa.MetaData()
    meta.reflect(engine)
    return meta.tables


def at_revision(url: str, revision: str) -> tuple[sa.Engine, Mapping[str, sa.Table]]:
    """The empty database at ``url`` migrated up to ``revision``: an engine and its
    tables as that revision left them."""
    migrations.upgrade(url, revision)
    engine = make_engine(url)
    return engine, tables_now(engine)
