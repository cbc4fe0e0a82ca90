"""``kurswerk content reindex``: the forum and FAQ search index rebuilt from the threads
and entries themselves. The index is derived data; a rebuild must give exactly what the
writes along the way give, drop rows of documents that are gone, and keep hidden threads
out. Its vocabulary (the stems compound parts are found in) holds exactly the index's
stems afterwards."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import Session, delete, select

from course.forum.models import SearchTerm, SearchVocab
from tests.course.test_forum_helpers import (
    People,
    ask_in_forum,
    get,
    lesson_path,
    people,
    post_form,
    reply_to,
    web,
)

__all__ = ["people", "web"]


def index_rows(db: Session) -> list[tuple[str, int, str, int, int, int]]:
    db.expire_all()
    rows = db.exec(select(SearchTerm)).all()
    return sorted((r.kind, r.doc_id, r.term, r.scope, r.lesson_id, r.weight) for r in rows)


def vocabulary(db: Session) -> list[tuple[str, int, str]]:
    db.expire_all()
    return sorted((r.kind, r.scope, r.term) for r in db.exec(select(SearchVocab)).all())


def test_a_rebuild_gives_the_index_the_writes_gave_and_drops_stale_rows(
    web: TestClient, people: People, db: Session, run_cli, capsys
):
    asked = ask_in_forum(web, people.anna, "Wie plane ich Kundenbeziehungen?")
    reply_to(web, people.tina, asked, "Mit einem Redaktionsplan.")
    hidden = ask_in_forum(web, people.ben, "Verborgene Frage zum Redaktionsplan")
    flags = f"/c/{people.context_id}/forum/threads/{hidden}/flags"
    assert (
        post_form(web, people.tina, flags, {"flag": "hidden", "value": "true"}).status_code == 303
    )
    written = index_rows(db)
    assert {kind for kind, *_ in written} == {"faq", "thread"}
    assert not any(kind == "thread" and doc == hidden for kind, doc, *_ in written)

    db.exec(delete(SearchTerm).where(SearchTerm.kind == "thread"))  # type: ignore[call-overload]
    db.add(SearchTerm(kind="thread", doc_id=987654, term="verwaist", scope=people.context_id))
    db.add(SearchVocab(kind="thread", term="verwaist", scope=people.context_id))
    db.commit()
    assert index_rows(db) != written
    left = ("thread", people.context_id, "verborg")  # the hidden thread's: no row holds it
    assert left in vocabulary(db) and not any(term == "verborg" for _, _, term, *_ in written)

    assert run_cli("content", "reindex") == 0
    assert index_rows(db) == written
    assert vocabulary(db) == sorted({(kind, scope, term) for kind, _, term, scope, *_ in written})
    out = capsys.readouterr().out
    faq_entries = len({doc for kind, doc, *_ in written if kind == "faq"})
    assert f"{faq_entries} FAQ entries, 2 threads, {len(written)} index rows" in out


def test_search_finds_a_thread_again_after_a_rebuild(
    web: TestClient, people: People, db: Session, run_cli
):
    ask_in_forum(web, people.anna, "Wie plane ich Kundenbeziehungen?")
    db.exec(delete(SearchTerm))  # type: ignore[call-overload]
    db.exec(delete(SearchVocab))  # type: ignore[call-overload]
    db.commit()
    whole = lesson_path(people.ben, "/forum?q=Kundenbeziehung")
    part = lesson_path(people.ben, "/forum?q=Beziehung")
    assert "Wie plane ich Kundenbeziehungen?" not in get(web, people.ben, whole).text
    assert run_cli("content", "reindex") == 0
    assert "Wie plane ich Kundenbeziehungen?" in get(web, people.ben, whole).text
    assert "Wie plane ich Kundenbeziehungen?" in get(web, people.ben, part).text
