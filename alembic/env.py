"""Alembic environment: the URL comes from the caller (kurswerk.core.migrations) or settings."""

from __future__ import annotations

from sqlmodel import SQLModel

import kurswerk.core.db  # noqa: F401 - sets the naming convention
import kurswerk.models  # noqa: F401 - registers every table
from alembic import context
from kurswerk.core.db import make_engine
from kurswerk.core.settings import get_settings

config = context.config
target_metadata = SQLModel.metadata


def _url() -> str:
    return str(config.attributes.get("database_url") or get_settings().database_url)


def run_migrations_offline() -> None:
    context.configure(
        url=_url(), target_metadata=target_metadata, literal_binds=True, render_as_batch=True
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    engine = make_engine(_url())
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
