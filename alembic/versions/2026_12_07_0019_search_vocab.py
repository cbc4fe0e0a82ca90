"""search vocabulary: search finds parts of German compounds ("community" in "Brandcommunity")

The distinct stems of the search index per kind and scope (``search_vocab``), with a
substring index named ``search_vocab_trigram``: on PostgreSQL a GIN index of the
``pg_trgm`` extension, created here when the database lacks it (the database user needs
the right to: see README, "Deploying"); on SQLite an FTS5 table with the trigram tokenizer
(SQLite 3.34 or newer), kept in step with the table by triggers. The vocabulary is filled
from the index rows already written, so search finds compound parts right after the
upgrade. Downgrading drops both; the extension stays (other objects may use it).

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07 06:00:00.000000
"""

import sqlite3
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SQLITE_TRIGGERS = {
    "search_vocab_trigram_insert": """
        AFTER INSERT ON search_vocab BEGIN
            INSERT INTO search_vocab_trigram (rowid, term) VALUES (new.id, new.term);
        END""",
    "search_vocab_trigram_delete": """
        AFTER DELETE ON search_vocab BEGIN
            INSERT INTO search_vocab_trigram (search_vocab_trigram, rowid, term)
            VALUES ('delete', old.id, old.term);
        END""",
    "search_vocab_trigram_update": """
        AFTER UPDATE ON search_vocab BEGIN
            INSERT INTO search_vocab_trigram (search_vocab_trigram, rowid, term)
            VALUES ('delete', old.id, old.term);
            INSERT INTO search_vocab_trigram (rowid, term) VALUES (new.id, new.term);
        END""",
}


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite" and sqlite3.sqlite_version_info < (3, 34):
        raise RuntimeError(
            f"SQLite {sqlite3.sqlite_version} lacks FTS5's trigram tokenizer, which the search "
            "needs: use Python with SQLite 3.34 or newer."
        )
    op.create_table(
        "search_vocab",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("scope", sa.Integer(), nullable=False),
        sa.Column("term", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_vocab")),
        sa.UniqueConstraint("kind", "scope", "term", name=op.f("uq_search_vocab_kind_scope_term")),
    )
    op.execute(
        "INSERT INTO search_vocab (kind, scope, term) "
        "SELECT DISTINCT kind, scope, term FROM search_term ORDER BY kind, scope, term"
    )
    if dialect == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        # Without the pending list: new stems are few and searches many, and a scan must
        # read the whole pending list (measured: with 50,000 stems, 10 ms instead of 1 ms
        # until a vacuum merged it, and the planner chose a sequential scan meanwhile).
        op.execute(
            "CREATE INDEX search_vocab_trigram ON search_vocab "
            "USING gin (term gin_trgm_ops) WITH (fastupdate = off)"
        )
    elif dialect == "sqlite":
        op.execute(
            "CREATE VIRTUAL TABLE search_vocab_trigram USING fts5("
            "term, content='search_vocab', content_rowid='id', tokenize='trigram')"
        )
        op.execute("INSERT INTO search_vocab_trigram (search_vocab_trigram) VALUES ('rebuild')")
        for name, body in _SQLITE_TRIGGERS.items():
            op.execute(f"CREATE TRIGGER {name} {body}")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in _SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS search_vocab_trigram")
    op.drop_table("search_vocab")  # PostgreSQL's index goes with it
