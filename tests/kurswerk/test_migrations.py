"""The schema is the migrations: they run up and down, and match the models."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlmodel import SQLModel

from kurswerk.core import migrations
from kurswerk.core.db import make_engine

BESIDE_THE_MODELS = "search_vocab_trigram"
"""The substring index of the search vocabulary (migration 0018), which the models cannot
describe: a ``pg_trgm`` GIN index on PostgreSQL, an FTS5 table and its shadow tables
(``search_vocab_trigram_data``, ...) on SQLite. Everything else must agree."""


def _compared(name: str | None, type_: str, parent_names: object) -> bool:
    return not (name or "").startswith(BESIDE_THE_MODELS)


def test_migrations_run_down_to_base_and_up_again(empty_database_url):
    url = empty_database_url
    migrations.upgrade(url)
    engine = make_engine(url)
    assert "lti_user" in inspect(engine).get_table_names()
    migrations.downgrade(url, "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    migrations.upgrade(url)
    assert set(SQLModel.metadata.tables) <= set(inspect(engine).get_table_names())
    engine.dispose()


def test_models_and_migrations_agree(engine):
    """A model changed without a migration shows up here as a diff."""
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"include_name": _compared})
        diff = compare_metadata(context, SQLModel.metadata)
    assert diff == []
