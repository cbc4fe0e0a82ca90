"""The FAQ: entries from the content files (checked as quotes of the lesson), the
ownership rule against ``content load``, tutors' edits, German word forms in search,
promoting a forum answer, and the lesson page's links."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from course import service
from course.content import load as content
from course.faq.models import FaqEntry
from course.forum.search import query_terms, words
from lti.models import LmsContext
from tests.course.conftest import CONTENT
from tests.course.html_tools import parse
from tests.course.test_content_check import edit
from tests.course.test_forum_helpers import (
    People,
    ask_in_forum,
    get,
    lesson_path,
    notice_of,
    people,
    post_form,
    reply_to,
    web,
)

__all__ = ["people", "web"]

FAQ_FILE = "social-media-strategie/faq/kundenbeziehungen.yaml"
FIRST_QUESTION = "Was sind Kundenbeziehungen?"


def faq_rows(db: Session) -> list[FaqEntry]:
    db.expire_all()
    return list(db.exec(select(FaqEntry).order_by(FaqEntry.position, FaqEntry.id)).all())  # type: ignore[arg-type]


def entry(db: Session, key: str = "was-sind-kundenbeziehungen") -> FaqEntry:
    db.expire_all()
    return db.exec(select(FaqEntry).where(FaqEntry.source_key == key)).one()


# --- The content format ----------------------------------------------------------------


def test_the_faq_file_loads_in_file_order_marked_as_quotes(db: Session):
    report = content.load(db, CONTENT)
    db.commit()
    rows = faq_rows(db)
    assert [r.question for r in rows][0] == FIRST_QUESTION
    assert len(rows) == report.counts["faq"]["created"] == 7
    assert all(r.origin == "file" and r.context_id is None for r in rows)
    first = rows[0]
    assert first.quote_anchor == "definition-der-kundenbeziehungen"
    assert first.quote_section == "Definition der Kundenbeziehungen"
    again = content.load(db, CONTENT)
    assert again.counts["faq"]["unchanged"] == 7 and again.counts["faq"]["created"] == 0


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "Das Unternehmen macht das Angebot",
            "Das Unternehmen unterbreitet das Angebot",
            "not in its text word for word",
        ),
        (
            "from_lesson: definition-der-kundenbeziehungen",
            "from_lesson: gibt-es-nicht",
            "no such id",
        ),
        ("lesson: kundenbeziehungen\n", "lesson: unbekannt\n", "must match the file name"),
        (
            "  - key: wozu-dienen-die-uebungen",
            "  - key: was-sind-kundenbeziehungen",
            "duplicate FAQ key",
        ),
        ("    question: Wozu dienen die Übungen?\n", "", "missing key 'question'"),
    ],
    ids=["reworded-quote", "unknown-anchor", "wrong-lesson", "duplicate-key", "no-question"],
)
def test_content_check_reports_broken_faq_files_with_file_and_line(
    content_copy: Path, old: str, new: str, message: str
):
    edit(content_copy / FAQ_FILE, old, new)
    problems = content.check(content_copy)
    assert any(
        p.path.endswith(FAQ_FILE) and message in p.message and p.line > 0 for p in problems
    ), problems


def test_an_answer_that_is_not_marked_as_a_quote_may_use_its_own_words(content_copy: Path):
    path = content_copy / FAQ_FILE
    edit(path, "    from_lesson: definition-der-kundenbeziehungen\n", "")
    edit(path, "Das Unternehmen macht das Angebot", "Das Unternehmen unterbreitet das Angebot")
    assert content.check(content_copy) == []


# --- Ownership: edits in the tool survive a load ------------------------------------------


def test_an_entry_edited_in_the_tool_survives_content_load_and_the_load_reports_it(
    web: TestClient, people: People, db: Session, content_copy: Path
):
    row = entry(db)
    response = post_form(
        web, people.tina, f"/c/{people.context_id}/faq/{row.id}/edit",
        {"question": "Was genau sind Kundenbeziehungen?", "answer": "Im Tool geschrieben.",
         "position": "0"},
    )  # fmt: skip
    assert response.status_code == 303
    edit(
        content_copy / FAQ_FILE,
        "question: Was sind Kundenbeziehungen?",
        "question: Neu aus der Datei?",
    )
    db.expire_all()  # the load sees what the app committed
    report = content.load(db, content_copy)
    db.commit()
    assert entry(db).question == "Neu aus der Datei?"  # the package's entry follows the file
    override = db.exec(select(FaqEntry).where(FaqEntry.overrides_id == row.id)).one()
    assert (override.question, override.answer, override.context_id) == (
        "Was genau sind Kundenbeziehungen?",
        "Im Tool geschrieben.",
        people.context_id,
    )
    assert report.counts["faq"]["kept"] == 1
    assert any(
        "was-sind-kundenbeziehungen" in note and "keep their own version" in note
        for note in report.notes
    )
    assert "1 kept (an LMS course's own version)" in str(report)

    page = parse(get(web, people.tina, lesson_path(people.tina, "/faq")).text)
    section = page.find(id=f"faq-{row.id}")
    assert "Was genau sind Kundenbeziehungen?" in section.text
    assert "die Kursdatei hat eine andere Fassung" in section.text
    # Back to the file: the file's text at once, and later loads apply the file again.
    assert (
        post_form(web, people.tina, f"/c/{people.context_id}/faq/{row.id}/revert", {}).status_code
        == 303
    )
    assert "Neu aus der Datei?" in get(web, people.anna, lesson_path(people.anna, "/faq")).text
    edit(content_copy / FAQ_FILE, "question: Neu aus der Datei?", "question: Noch neuer?")
    db.expire_all()
    content.load(db, content_copy)
    db.commit()
    assert "Noch neuer?" in get(web, people.anna, lesson_path(people.anna, "/faq")).text


def test_an_untouched_entry_follows_the_file_and_a_removed_one_is_archived(
    db: Session, content_copy: Path, people: People
):
    edit(
        content_copy / FAQ_FILE,
        "question: Wozu dienen die Übungen?",
        "question: Wofür sind die Übungen?",
    )
    text = (content_copy / FAQ_FILE).read_text(encoding="utf-8")
    start = text.index("  - key: feedback-zu-uebungen")
    (content_copy / FAQ_FILE).write_text(text[:start], encoding="utf-8")
    report = content.load(db, content_copy)
    db.commit()
    assert entry(db, "wozu-dienen-die-uebungen").question == "Wofür sind die Übungen?"
    assert entry(db, "feedback-zu-uebungen").archived_at is not None
    assert report.counts["faq"]["archived"] == 1 and report.counts["faq"]["updated"] == 1


def test_a_file_entry_deleted_in_the_tool_stays_deleted_on_load_until_restored(
    web: TestClient, people: People, db: Session
):
    row = entry(db)
    post_form(web, people.tina, f"/c/{people.context_id}/faq/{row.id}/delete", {})
    db.expire_all()
    report = content.load(db, CONTENT)
    db.commit()
    assert report.counts["faq"]["kept"] == 1
    assert FIRST_QUESTION not in get(web, people.anna, lesson_path(people.anna, "/faq")).text
    page = parse(get(web, people.tina, lesson_path(people.tina, "/faq")).text)
    assert FIRST_QUESTION in page.find(id="kw-faq-removed").parent.text  # type: ignore[union-attr]
    post_form(web, people.tina, f"/c/{people.context_id}/faq/{row.id}/revert", {})
    assert FIRST_QUESTION in get(web, people.anna, lesson_path(people.anna, "/faq")).text


# --- Tutors write entries; learners read and search -----------------------------------------


def test_a_tutor_creates_an_entry_for_this_lms_course_only(
    web: TestClient, people: People, db: Session
):
    response = post_form(
        web, people.tina, lesson_path(people.tina, "/faq/new"),
        {"question": "Gibt es eine Vorlage zum Download?", "answer": "Noch **nicht**.",
         "position": "5"},
    )  # fmt: skip
    assert notice_of(response) == "faq_saved"
    page = get(web, people.anna, lesson_path(people.anna, "/faq")).text
    assert "Gibt es eine Vorlage zum Download?" in page and "<strong>nicht</strong>" in page
    assert (
        "Gibt es eine Vorlage" not in get(web, people.olga, lesson_path(people.olga, "/faq")).text
    )
    titles = [h.clean_text for h in parse(page).find_all("h3")]
    assert titles.index("Gibt es eine Vorlage zum Download?") == 1  # position 5: after 0


def test_a_learner_sees_no_editing_controls(web: TestClient, people: People):
    page = get(web, people.anna, lesson_path(people.anna, "/faq")).text
    assert "/edit" not in page and "Neuer FAQ-Eintrag" not in page


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Kundenbeziehung", FIRST_QUESTION),
        ("kundenbeziehungen", FIRST_QUESTION),
        ("Übung", "Wozu dienen die Übungen?"),
        ("uebungen selbstkontrolle", "Wozu dienen die Übungen?"),
        (
            "Motivationen Zufriedenheit",
            "Worauf basiert die Motivation, eine Kundenbeziehung in Social Media einzugehen?",
        ),
        ("Coachingpakets Feedbacks", "Bekomme ich Feedback zu meinen Übungen?"),
    ],
)
def test_search_finds_german_word_forms(web: TestClient, people: People, query: str, expected: str):
    page = parse(get(web, people.anna, lesson_path(people.anna, f"/faq?q={query}")).text)
    titles = [h.clean_text for h in page.find(id="kw-faq-entries").parent.find_all("h3")]  # type: ignore[union-attr]
    assert expected in titles


def test_search_without_any_match_says_so(web: TestClient, people: People):
    page = get(web, people.anna, lesson_path(people.anna, "/faq?q=Quantenphysik")).text
    assert "Kein FAQ-Eintrag passt zu Ihrer Suche." in page


def test_stemming_folds_inflections_umlauts_and_case():
    assert query_terms("Kundenbeziehung") == query_terms("KUNDENBEZIEHUNGEN")
    assert words("Bedürfnisse") == words("bedurfnis")
    assert query_terms("Was ist das und wie?") == []  # only function words


# --- From the forum to the FAQ in one step ---------------------------------------------------


def test_a_tutor_promotes_a_forum_answer_to_the_faq_keeping_the_link(
    web: TestClient, people: People, db: Session
):
    thread_id = ask_in_forum(
        web, people.anna, "Wie priorisiere ich Kundenbeziehungen?", anonymous=True
    )
    reply_id = reply_to(
        web, people.tina, thread_id, "Nach Art und Priorität, siehe Prozessschritt."
    )
    response = post_form(
        web,
        people.tina,
        f"/c/{people.context_id}/forum/posts/{reply_id}/promote",
        {"confirm": "yes"},
    )
    assert notice_of(response) == "promoted"
    row = db.exec(select(FaqEntry).where(FaqEntry.origin == "forum")).one()
    assert (row.question, row.answer, row.thread_id) == (
        "Wie priorisiere ich Kundenbeziehungen?",
        "Nach Art und Priorität, siehe Prozessschritt.",
        thread_id,
    )
    faq = parse(get(web, people.ben, lesson_path(people.ben, "/faq")).text)
    section = faq.find(id=f"faq-{row.id}")
    assert (
        f"/forum/threads/{thread_id}" in section.find("p", cls="faq-source").find("a").attrs["href"]
    )
    assert "Anna" not in section.text
    thread = get(web, people.ben, f"/c/{people.context_id}/forum/threads/{thread_id}").text
    assert "In die FAQ übernommen" in thread
    again = post_form(
        web,
        people.tina,
        f"/c/{people.context_id}/forum/posts/{reply_id}/promote",
        {"confirm": "yes"},
    )
    assert notice_of(again) == "already_promoted"
    assert len(db.exec(select(FaqEntry).where(FaqEntry.origin == "forum")).all()) == 1


def test_adopting_an_answer_into_the_faq_asks_for_confirmation_first(
    web: TestClient, people: People, db: Session
):
    """Issue 9 §6: "In die FAQ übernehmen" shows what will be published, and publishes
    only with the page's confirmation (a form with its CSRF token; no JavaScript). The
    old one-click POST and a forged confirmation publish nothing."""
    thread_id = ask_in_forum(web, people.anna, "Wie oft sollen wir posten?")
    reply_id = reply_to(web, people.tina, thread_id, "**Zweimal** pro Woche.\nViele Grüße")
    promote = f"/c/{people.context_id}/forum/posts/{reply_id}/promote"
    thread = get(web, people.tina, f"/c/{people.context_id}/forum/threads/{thread_id}").text
    assert f'href="{promote}?' in thread  # a link to the confirmation, not a one-click form

    page = get(web, people.tina, promote)
    assert page.status_code == 200
    html = parse(page.text)
    assert "Wie oft sollen wir posten?" in html.find(id="kw-promote-question").text
    assert "<strong>Zweimal</strong> pro Woche.<br>" in page.text
    [form] = [f for f in html.find_all("form") if f.attrs.get("action", "").startswith(promote)]
    fields = {i.attrs["name"]: i.attrs.get("value") for i in form.find_all("input")}
    assert fields["confirm"] == "yes" and fields["csrf_token"] == people.tina.csrf

    def entries() -> int:
        db.expire_all()
        return len(db.exec(select(FaqEntry).where(FaqEntry.origin == "forum")).all())

    one_click = post_form(web, people.tina, promote, {})
    assert one_click.status_code == 303 and f"{promote}?" in one_click.headers["location"]
    forged = web.post(people.tina.url(promote), data={"confirm": "yes", "csrf_token": "x"})
    assert forged.status_code == 403
    assert entries() == 0
    confirmed = post_form(web, people.tina, promote, {"confirm": "yes"})
    assert notice_of(confirmed) == "promoted" and entries() == 1
    again = get(web, people.tina, promote)  # once published, the page leads to the entry
    assert again.status_code == 303 and "notice=already_promoted" in again.headers["location"]


# --- The lesson page's links -----------------------------------------------------------------


def test_the_lesson_page_links_questions_faq_forum_and_ask_and_none_is_dead(
    web: TestClient, people: People
):
    page = parse(get(web, people.anna, lesson_path(people.anna)).text)
    links = {
        a.clean_text: a.attrs["href"] for a in page.find("ul", cls="lesson-links").find_all("a")
    }
    for label in ("Fragen zum Inhalt der Lektion", "FAQ", "Forum", "Kursleitung fragen"):
        assert label in links
        assert web.get(links[label]).status_code == 200, label
    assert [k for k, _ in service.lesson_links(people.context_id, "kundenbeziehungen")][:1] == [
        "Fragen zum Inhalt der Lektion"
    ]


def test_the_questions_page_lists_the_places_in_the_lessons_order(web: TestClient, people: People):
    page = parse(get(web, people.anna, lesson_path(people.anna, "/questions")).text)
    steps = [h.clean_text for h in page.find("ol", cls="hub-steps").find_all("h2")]
    assert steps[:4] == [
        "Die Lektion noch einmal durcharbeiten",
        "FAQ",
        "Forum",
        "Kursleitung fragen",
    ]
    for link in page.find("ol", cls="hub-steps").find_all("a"):
        assert web.get(link.attrs["href"]).status_code == 200, link.attrs["href"]


def test_the_questions_page_counts_one_question_in_the_singular(
    web: TestClient, db: Session, people: People, make_learner
):
    ask_in_forum(web, people.anna)
    german = parse(get(web, people.anna, lesson_path(people.anna, "/questions")).text)
    assert "(1 Frage)." in german.find("ol", cls="hub-steps").clean_text
    context = db.get(LmsContext, people.context_id)
    english_reader = make_learner(context=context, locale="en")
    english = parse(get(web, english_reader, lesson_path(english_reader, "/questions")).text)
    assert "(1 question)." in english.find("ol", cls="hub-steps").clean_text
