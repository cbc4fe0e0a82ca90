"""Shared fixtures: a real database (SQLite file or PostgreSQL) built by the migrations.

``KURSWERK_TEST_DATABASE`` chooses the engine: ``sqlite`` (default) or a PostgreSQL URL
such as ``postgresql+psycopg://postgres@127.0.0.1:5432/test``. For PostgreSQL a fresh
database is created for the run and dropped after it. The schema comes from running
the Alembic migrations once per run, never from ``create_all``; each test then starts
from empty tables.
"""

from __future__ import annotations

import copy
import hashlib
import inspect
import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import TypeVar

import fastapi.dependencies.utils as fastapi_dependencies
import pytest
from fastapi import FastAPI
from fastapi.dependencies.utils import get_typed_signature as _get_typed_signature
from fastapi.testclient import TestClient
from sqlalchemy import Connection, Table, create_engine, text
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session, SQLModel

import kurswerk.models  # noqa: F401 - every table in the metadata
from course.content import load as content_load
from course.content.model import ContentTree
from course.content.source import read_tree as _read_tree
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


_parsed_trees: dict[tuple[str, str], ContentTree] = {}


def _files_digest(root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _read_tree_once(path: str | Path) -> ContentTree:
    """``read_tree`` once per content: what its files hold, byte for byte, in this run.

    About 2,000 tests load the course, and parsing its files took 100-170 ms of each. The
    parse is a pure function of the files under ``path`` (nothing else is read), so a tree
    read before from the same bytes is handed out again, as a deep copy: the loader then
    writes the database as usual. A test's own content folder, or a file a test changes,
    has other bytes and is read afresh."""
    root = Path(path)
    if not root.is_dir():
        return _read_tree(path)
    key = (str(root.resolve()), _files_digest(root))
    if key not in _parsed_trees:
        _parsed_trees[key] = _read_tree(path)
    return copy.deepcopy(_parsed_trees[key])


_signatures: dict[int, tuple[Callable[..., object], inspect.Signature]] = {}


def _typed_signature_once(call: Callable[..., object]) -> inspect.Signature:
    """FastAPI's ``get_typed_signature``, once per function in this run.

    Each test builds its own app, and FastAPI works out every route's dependencies again
    for each app: about 200 ms, a third of it evaluating the same annotations. A
    function's signature does not change, so the first answer is kept (by identity, with
    the function held so that its id is not reused)."""
    known = _signatures.get(id(call))
    if known is None or known[0] is not call:
        known = _signatures[id(call)] = (call, _get_typed_signature(call))
    return known[1]


@pytest.fixture(autouse=True, scope="session")
def _repeated_work_done_once() -> Iterator[None]:
    """What every test would otherwise redo, done once per run: parsing the course files
    and reading the endpoints' signatures (see the two functions above)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(content_load, "read_tree", _read_tree_once)
        patch.setattr(fastapi_dependencies, "get_typed_signature", _typed_signature_once)
        yield


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
            _empty_used_postgres_tables(connection, tables)
        else:
            for table in tables:
                connection.execute(table.delete())


def _empty_used_postgres_tables(connection: Connection, tables: list[Table]) -> None:
    """Empty only what the test used, and restart only the sequences it drew from.

    A TRUNCATE of all 60 tables costs about 140 ms on PostgreSQL, whatever they hold; one
    probe for rows and used sequences, then a DELETE per used table, costs a few ms. The
    tables are walked children first, so no foreign key is in the way."""
    probe = " UNION ALL ".join(
        f"SELECT '{t.name}' WHERE EXISTS (SELECT 1 FROM \"{t.name}\")" for t in tables
    )
    used = {row[0] for row in connection.execute(text(probe))}
    for table in tables:
        if table.name in used:
            connection.execute(table.delete())
    # The sequences these tables own (serial and identity columns) that handed out a value.
    connection.execute(
        text(
            "SELECT setval(s.oid, 1, false) FROM pg_depend d"
            " JOIN pg_class s ON s.oid = d.objid"
            " JOIN pg_sequences p ON p.sequencename = s.relname"
            " AND p.schemaname = current_schema() AND p.last_value IS NOT NULL"
            " JOIN pg_class t ON t.oid = d.refobjid"
            " WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass"
            " AND d.deptype IN ('a', 'i') AND t.relname = ANY(:tables)"
            " AND t.relnamespace = current_schema()::regnamespace"
        ),
        {"tables": [t.name for t in tables]},
    )


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
