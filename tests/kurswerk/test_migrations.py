"""The schema is the migrations: they run up and down, and match the models."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlmodel import SQLModel

from kurswerk.core import migrations
from kurswerk.core.db import make_engine


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
        diff = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
    assert diff == []
