"""Shared fixtures: a real database (SQLite file or PostgreSQL) built by the migrations.

``KURSWERK_TEST_DATABASE`` chooses the engine: ``sqlite`` (default) or a PostgreSQL URL
such as ``postgresql+psycopg://postgres@127.0.0.1:5432/test``. For PostgreSQL a fresh
database is created for the run and dropped after it. The schema comes from running
the Alembic migrations once per run, never from ``create_all``; each test then starts
from empty tables.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import TypeVar

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session, SQLModel

import kurswerk.models  # noqa: F401 - every table in the metadata
from kurswerk.app import create_app
from kurswerk.core import migrations
from kurswerk.core.db import make_engine, new_session
from kurswerk.core.extensions import Slot, extensions
from kurswerk.core.settings import Settings
from kurswerk.wiring import wire

# The composition root's slots, filled once as the app factory and the CLI do: tests call
# services directly too.
wire()

TOOL_BASE_URL = "https://kurswerk.test"

T = TypeVar("T")


class SlotFiller:
    """``fill_slot(slot, value)``: a stand-in in a slot of the extension point."""

    def __init__(self, stack: ExitStack) -> None:
        self._stack = stack

    def __call__(self, slot: Slot[T], value: T) -> None:
        self._stack.enter_context(extensions.replaced(slot, value))


@pytest.fixture
def fill_slot() -> Iterator[SlotFiller]:
    """Put a stand-in into a slot for one test; what the composition root filled is back
    after it (the slots are the same for every app of the process)."""
    with ExitStack() as stack:
        yield SlotFiller(stack)


def _create_postgres_database(url: str) -> tuple[str, str]:
    base = make_url(url)
    name = f"kurswerk_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return base.set(database=name).render_as_string(hide_password=False), name


def _drop_postgres_database(url: str, name: str) -> None:
    admin = create_engine(make_url(url), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@contextmanager
def _new_database(folder: Path) -> Iterator[str]:
    """The URL of an empty database of the kind ``KURSWERK_TEST_DATABASE`` chooses: a SQLite
    file in ``folder``, or a PostgreSQL database created for it and dropped after it."""
    choice = os.environ.get("KURSWERK_TEST_DATABASE", "sqlite")
    if choice == "sqlite":
        yield f"sqlite:///{folder / 'kurswerk.db'}"
        return
    url, name = _create_postgres_database(choice)
    try:
        yield url
    finally:
        _drop_postgres_database(choice, name)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with _new_database(tmp_path_factory.mktemp("db")) as url:
        migrations.upgrade(url)
        yield url


@pytest.fixture
def empty_database_url(tmp_path: Path) -> Iterator[str]:
    """A database of one test's own, without any table yet: migration tests upgrade (and
    downgrade) it step by step."""
    with _new_database(tmp_path) as url:
        yield url


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


def _empty_all_tables(engine: Engine) -> None:
    tables = list(reversed(SQLModel.metadata.sorted_tables))
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                connection.execute(table.delete())


@pytest.fixture(autouse=True)
def _clean_database(request: pytest.FixtureRequest) -> Iterator[None]:
    """Every test that touches the database starts from empty tables."""
    yield
    if "engine" in request.fixturenames:
        _empty_all_tables(request.getfixturevalue("engine"))


@pytest.fixture
def db(engine: Engine) -> Iterator[Session]:
    """A session for arranging and inspecting data; commit what the app must see."""
    with new_session(engine) as session:
        yield session


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(
        env="test",
        database_url=database_url,
        base_url=TOOL_BASE_URL,
        secret_key="test-secret-key-that-is-long-enough-0123456789",  # type: ignore[arg-type]
        storage_url=f"file://{tmp_path / 'storage'}",
    )


@pytest.fixture
def run_cli(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Callable[..., int]:
    """``kurswerk ARGS...`` in this process against the test database; its exit code."""
    from kurswerk import cli
    from kurswerk.core.settings import get_settings

    def run(*args: str) -> int:
        monkeypatch.setenv("KURSWERK_DATABASE_URL", database_url)
        get_settings.cache_clear()
        try:
            return cli.main(list(args))
        finally:
            get_settings.cache_clear()

    return run


@pytest.fixture
def app(settings: Settings, engine: Engine) -> Iterator[FastAPI]:
    application = create_app(settings)
    yield application
    application.state.engine.dispose()


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, base_url=TOOL_BASE_URL) as test_client:
        yield test_client
