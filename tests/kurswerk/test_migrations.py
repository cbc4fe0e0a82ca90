"""The schema is the migrations: they run up and down, and match the models."""

from __future__ import annotations

import os

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlmodel import SQLModel

from kurswerk.core import migrations
from kurswerk.core.db import make_engine
from tests.conftest import _create_postgres_database, _drop_postgres_database


def _fresh_url(tmp_path) -> tuple[str, object]:
    choice = os.environ.get("KURSWERK_TEST_DATABASE", "sqlite")
    if choice == "sqlite":
        return f"sqlite:///{tmp_path / 'fresh.db'}", None
    url, name = _create_postgres_database(choice)
    return url, (choice, name)


def test_migrations_run_down_to_base_and_up_again(tmp_path):
    url, cleanup = _fresh_url(tmp_path)
    try:
        migrations.upgrade(url)
        engine = make_engine(url)
        assert "lti_user" in inspect(engine).get_table_names()
        migrations.downgrade(url, "base")
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
        migrations.upgrade(url)
        assert set(SQLModel.metadata.tables) <= set(inspect(engine).get_table_names())
        engine.dispose()
    finally:
        if cleanup:
            _drop_postgres_database(*cleanup)


def test_models_and_migrations_agree(engine):
    """A model changed without a migration shows up here as a diff."""
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
    assert diff == []
