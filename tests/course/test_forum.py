"""The lesson forum over HTTP: asking, replying, editing and deleting, moderation,
accepted answers, pagination, unread markers, following and reports."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from course.forum.models import ForumPost, ForumReport, ForumThread, SearchTerm
from course.forum.reading import THREADS_PER_PAGE
from kurswerk.core.auth import Role
from lti.models import LmsContext
from tests.course.html_tools import parse
from tests.course.test_forum_helpers import (
    People,
    ask_in_forum,
    emails,
    emails_to,
    get,
    lesson_path,
    notice_of,
    people,
    post_form,
    question_of,
    reply_to,
    web,
)

__all__ = ["people", "web"]


def thread_path(people: People, thread_id: int) -> str:
    return f"/c/{people.context_id}/forum/threads/{thread_id}"


def test_a_learner_asks_and_the_question_is_listed_and_shown(web: TestClient, people: People):
    thread_id = ask_in_forum(web, people.anna, "Wie finde ich die Themen der Kundenbeziehung?")
    listing = parse(get(web, people.ben, lesson_path(people.ben, "/forum")).text)
    link = listing.find("ul", cls="thread-list").find("a")
    assert link.clean_text == "Wie finde ich die Themen der Kundenbeziehung?"
    assert "Anna Andersen" in listing.find("ul", cls="thread-list").clean_text
    page = parse(get(web, people.ben, thread_path(people, thread_id)).text)
    assert page.find("h1").clean_text == "Wie finde ich die Themen der Kundenbeziehung?"
    question = page.find("article", cls="post")
    assert "Ich verstehe die Arten der Kundenbeziehung" in question.text


def test_a_reply_is_shown_and_tutor_posts_are_marked(web: TestClient, people: People, db: Session):
    thread_id = ask_in_forum(web, people.anna)
    reply_id = reply_to(web, people.tina, thread_id, "Schauen Sie in den Abschnitt **Arten**.")
    page = parse(get(web, people.ben, thread_path(people, thread_id)).text)
    post = page.find(id=f"post-{reply_id}")
    assert "post--tutor" in post.classes
    assert "Tutor:in" in post.find("span", cls="badge--tutor").clean_text
    assert "<strong>Arten</strong>" in get(web, people.ben, thread_path(people, thread_id)).text
    thread = db.get(ForumThread, thread_id)
    assert thread is not None and thread.reply_count == 1 and thread.first_answer_at is not None


def test_the_author_edits_within_the_window_and_not_after_it(
    web: TestClient, people: People, db: Session
):
    thread_id = ask_in_forum(web, people.anna)
    reply_id = reply_to(web, people.anna, thread_id, "Nachtrag: gemeint ist Selbstbedienung.")
    response = post_form(
        web, people.anna, f"/c/{people.context_id}/forum/posts/{reply_id}/edit",
        {"body": "Nachtrag: gemeint sind Communitys."},
    )  # fmt: skip
    assert response.status_code == 303
    db.expire_all()
    post = db.get(ForumPost, reply_id)
    assert post is not None and post.body == "Nachtrag: gemeint sind Communitys."
    assert post.edited_at is not None

    post.created_at = post.created_at - timedelta(minutes=31)
    db.add(post)
    db.commit()
    response = post_form(
        web, people.anna, f"/c/{people.context_id}/forum/posts/{reply_id}/edit",
        {"body": "Zu spät geändert."},
    )  # fmt: skip
    assert response.status_code == 403
    assert "ersten 30 Minuten" in response.text
    db.expire_all()
    assert db.get(ForumPost, reply_id).body == "Nachtrag: gemeint sind Communitys."  # type: ignore[union-attr]


def test_deleting_an_unanswered_question_deletes_the_thread(
    web: TestClient, people: People, db: Session
):
    thread_id = ask_in_forum(web, people.anna, "Eine Frage zum Löschen")
    response = post_form(
        web,
        people.anna,
        f"/c/{people.context_id}/forum/posts/{question_of(db, thread_id)}/delete",
        {},
    )
    assert response.status_code == 303 and notice_of(response) == "thread_deleted"
    assert get(web, people.ben, thread_path(people, thread_id)).status_code == 404
    db.expire_all()
    terms = select(SearchTerm).where(SearchTerm.kind == "thread", SearchTerm.doc_id == thread_id)
    assert db.exec(terms).all() == []


def test_deleting_an_answered_question_keeps_the_replies(
    web: TestClient, people: People, db: Session
):
    thread_id = ask_in_forum(web, people.anna)
    first_post = question_of(db, thread_id)
    reply_to(web, people.ben, thread_id, "Meine Antwort bleibt stehen.")
    response = post_form(
        web, people.anna, f"/c/{people.context_id}/forum/posts/{first_post}/delete", {}
    )
    assert notice_of(response) == "deleted"
    page = get(web, people.ben, thread_path(people, thread_id)).text
    assert "Meine Antwort bleibt stehen." in page
    assert "Dieser Beitrag wurde gelöscht." in page
    db.expire_all()
    assert db.get(ForumPost, first_post).body == ""  # type: ignore[union-attr]


def test_tutors_pin_lock_hide_and_move_threads(web: TestClient, people: People, db: Session):
    old = ask_in_forum(web, people.anna, "Ältere Frage")
    pinned = ask_in_forum(web, people.ben, "Wichtige Frage")
    ask_in_forum(web, people.ben, "Neueste Frage")
    flags = f"/c/{people.context_id}/forum/threads/{old}/flags"
    assert (
        post_form(web, people.tina, flags, {"flag": "pinned", "value": "true"}).status_code == 303
    )
    rows = parse(get(web, people.anna, lesson_path(people.anna, "/forum")).text)
    titles = [a.clean_text for a in rows.find("ul", cls="thread-list").find_all("a")]
    assert titles[0] == "Ältere Frage"

    post_form(web, people.tina, flags, {"flag": "locked", "value": "true"})
    response = post_form(
        web, people.anna, f"/c/{people.context_id}/forum/threads/{old}/reply", {"body": "Hallo"}
    )
    assert response.status_code == 403

    hide = f"/c/{people.context_id}/forum/threads/{pinned}/flags"
    post_form(web, people.tina, hide, {"flag": "hidden", "value": "true"})
    assert get(web, people.anna, thread_path(people, pinned)).status_code == 404
    assert get(web, people.tina, thread_path(people, pinned)).status_code == 200
    listing = get(web, people.anna, lesson_path(people.anna, "/forum")).text
    assert "Wichtige Frage" not in listing


def test_an_answer_can_be_accepted_by_tutor_or_asker_but_not_by_others(
    web: TestClient, people: People, db: Session
):
    thread_id = ask_in_forum(web, people.anna)
    reply_id = reply_to(web, people.ben, thread_id, "So geht das.")
    accept = f"/c/{people.context_id}/forum/posts/{reply_id}/accept"
    assert post_form(web, people.ben, accept, {"accepted": "true"}).status_code == 403
    assert post_form(web, people.anna, accept, {"accepted": "true"}).status_code == 303
    db.expire_all()
    assert db.get(ForumThread, thread_id).accepted_post_id == reply_id  # type: ignore[union-attr]
    page = parse(get(web, people.ben, thread_path(people, thread_id)).text)
    assert "post--accepted" in page.find(id=f"post-{reply_id}").classes


def test_the_thread_list_is_paginated(web: TestClient, people: People, db: Session, settings):
    settings.forum_posts_per_minute = 1000
    for n in range(THREADS_PER_PAGE + 3):
        ask_in_forum(web, people.anna, f"Frage Nummer {n}")
    first = parse(get(web, people.ben, lesson_path(people.ben, "/forum")).text)
    assert len(list(first.find("ul", cls="thread-list").find_all("li"))) == THREADS_PER_PAGE
    assert "Seite 1 von 2" in first.find("nav", cls="pager").clean_text
    second = parse(get(web, people.ben, lesson_path(people.ben, "/forum?page=2")).text)
    titles = [a.clean_text for a in second.find("ul", cls="thread-list").find_all("a")]
    assert titles == ["Frage Nummer 2", "Frage Nummer 1", "Frage Nummer 0"]


def test_unread_markers_follow_what_each_person_has_seen(web: TestClient, people: People):
    thread_id = ask_in_forum(web, people.anna)

    def unread(person) -> bool:
        page = parse(get(web, person, lesson_path(person, "/forum")).text)
        return "thread-row--unread" in page.find("li", cls="thread-row").classes

    assert unread(people.ben) and not unread(people.anna)
    get(web, people.ben, thread_path(people, thread_id))
    assert not unread(people.ben)
    reply_to(web, people.tina, thread_id, "Eine neue Antwort.")
    assert unread(people.ben) and unread(people.anna)
    post_form(web, people.ben, lesson_path(people.ben, "/forum/read"), {})
    assert not unread(people.ben) and unread(people.anna)


def test_a_report_reaches_the_tutors_page_and_their_inbox(
    web: TestClient, people: People, db: Session
):
    thread_id = ask_in_forum(web, people.anna)
    reply_id = reply_to(web, people.ben, thread_id, "Werbung: kauft meine Produkte!")
    report = f"/c/{people.context_id}/forum/posts/{reply_id}/report"
    response = post_form(web, people.anna, report, {"reason": "Spam"})
    assert notice_of(response) == "reported"
    assert notice_of(post_form(web, people.anna, report, {"reason": "Spam"})) == "already_reported"
    assert len(db.exec(select(ForumReport)).all()) == 1
    [mail] = emails_to(db, "tina@example.org", "forum_report")
    assert "Werbung: kauft meine Produkte!" in mail.payload["text"]
    assert "Spam" in mail.payload["text"]

    page = parse(get(web, people.tina, f"/c/{people.context_id}/forum/reports").text)
    assert "Werbung: kauft meine Produkte!" in page.find("ul", cls="report-list").text
    assert get(web, people.anna, f"/c/{people.context_id}/forum/reports").status_code == 403

    [row] = db.exec(select(ForumReport)).all()
    resolve = f"/c/{people.context_id}/forum/reports/{row.id}/resolve"
    assert post_form(web, people.tina, resolve, {"resolution": "hidden"}).status_code == 303
    assert "Werbung" not in get(web, people.anna, thread_path(people, thread_id)).text
    assert "Werbung" in get(web, people.ben, thread_path(people, thread_id)).text  # the author


def test_own_posts_cannot_be_reported(web: TestClient, people: People, db: Session):
    thread_id = ask_in_forum(web, people.anna)
    response = post_form(
        web,
        people.anna,
        f"/c/{people.context_id}/forum/posts/{question_of(db, thread_id)}/report",
        {},
    )
    assert response.status_code == 400
    assert db.exec(select(ForumReport)).all() == []


def test_following_a_thread_sends_one_email_per_post_to_followers_only(
    web: TestClient, people: People, db: Session
):
    thread_id = ask_in_forum(web, people.anna)  # the asker follows her question
    reply_to(web, people.tina, thread_id, "Die Antwort der Tutorin.")
    [mail] = emails_to(db, "anna@example.org", "forum_post")
    assert "Die Antwort der Tutorin." in mail.payload["text"]
    assert "Tina Tutor (Tutor:in)" in mail.payload["text"]
    assert emails_to(db, "ben@example.org") == []
    assert emails_to(db, "tina@example.org", "forum_post") == []  # never about one's own post

    follow = f"/c/{people.context_id}/forum/threads/{thread_id}/follow"
    post_form(web, people.ben, follow, {"follow": "true"})
    reply_to(web, people.anna, thread_id, "Danke!")
    assert len(emails_to(db, "ben@example.org", "forum_post")) == 1
    assert len(emails_to(db, "tina@example.org", "forum_post")) == 1  # she replied: follows
    post_form(web, people.ben, follow, {"follow": "false"})
    reply_to(web, people.tina, thread_id, "Gern.")
    assert len(emails_to(db, "ben@example.org", "forum_post")) == 1


def test_following_a_lesson_forum_announces_new_questions(
    web: TestClient, people: People, db: Session
):
    post_form(web, people.ben, lesson_path(people.ben, "/forum/follow"), {"follow": "true"})
    ask_in_forum(web, people.anna, "Ganz neue Frage")
    [mail] = emails_to(db, "ben@example.org", "forum_post")
    assert mail.payload["subject"] == "Neue Frage im Forum: Ganz neue Frage"
    assert len(emails(db, "forum_post")) == 1


def test_without_javascript_check_similar_shows_suggestions_and_saves_nothing(
    web: TestClient, people: People, db: Session
):
    response = post_form(
        web,
        people.anna,
        lesson_path(people.anna, "/forum/new"),
        {
            "title": "Was sind Kundenbeziehungen eigentlich?",
            "body": "Definition?",
            "action": "check",
        },
    )
    assert response.status_code == 200
    page = parse(response.text)
    suggestions = page.find(id="kw-suggestions")
    assert "Was sind Kundenbeziehungen?" in suggestions.text
    assert (
        page.find("input", id="kw-title").attrs["value"] == "Was sind Kundenbeziehungen eigentlich?"
    )
    assert db.exec(select(ForumThread)).all() == []


def test_the_suggestions_fragment_lists_similar_faq_entries_and_threads(
    web: TestClient, people: People
):
    ask_in_forum(web, people.ben, "Welche Themen haben Communitys in der Kundenbeziehung?")
    fragment = get(
        web, people.anna, lesson_path(people.anna, "/forum/suggest?text=Themen+der+Communitys")
    )
    assert fragment.status_code == 200 and "<html" not in fragment.text
    assert "Welche Themen haben Communitys in der Kundenbeziehung?" in fragment.text
    empty = get(web, people.anna, lesson_path(people.anna, "/forum/suggest?text=Quantenphysik"))
    assert "Keine ähnliche Frage gefunden" in empty.text


def test_a_tutor_moves_a_thread_to_another_lesson_and_deletes_one(
    web: TestClient, people: People, db: Session
):
    from course.models import Lesson

    # A second lesson in the same course, so there is somewhere to move to.
    course_lesson = db.exec(select(Lesson).where(Lesson.slug == "kundenbeziehungen")).one()
    other = Lesson(course_id=course_lesson.course_id, slug="zweite-lektion", title="Zweite Lektion")
    db.add(other)
    db.commit()
    thread_id = ask_in_forum(web, people.anna, "Gehört woanders hin")
    move = f"/c/{people.context_id}/forum/threads/{thread_id}/move"
    assert post_form(web, people.tina, move, {"lesson": "zweite-lektion"}).status_code == 303
    assert (
        "Gehört woanders hin" not in get(web, people.anna, lesson_path(people.anna, "/forum")).text
    )
    moved = get(web, people.anna, lesson_path(people.anna, "/forum", slug="zweite-lektion")).text
    assert "Gehört woanders hin" in moved
    found = get(
        web, people.anna, lesson_path(people.anna, "/forum?q=woanders", slug="zweite-lektion")
    )
    assert "Gehört woanders hin" in found.text  # the index moved along
    unknown = post_form(web, people.tina, move, {"lesson": "gibt-es-nicht"})
    assert unknown.status_code == 404

    delete = f"/c/{people.context_id}/forum/threads/{thread_id}/delete"
    assert post_form(web, people.tina, delete, {}).status_code == 303
    assert get(web, people.tina, thread_path(people, thread_id)).status_code == 404
    db.expire_all()
    assert db.get(ForumThread, thread_id).deleted_at is not None  # type: ignore[union-attr]


def test_a_posts_line_breaks_and_markdown_reach_the_page_and_the_mails_text(
    web: TestClient, people: People, db: Session
):
    """Issue 9 §6: "Viele Grüße⏎Tina" stays on two lines on the thread page and in the
    mail; the mail's text part renders Markdown as every mail does (no ``**``, bullets,
    blank lines)."""
    thread_id = ask_in_forum(web, people.anna)
    body = "**Wichtig:** bitte prüfen.\n\n- eins\n- zwei\n\nViele Grüße\nTina"
    reply_to(web, people.tina, thread_id, body)
    [mail] = emails_to(db, "anna@example.org", "forum_post")
    assert "Wichtig: bitte prüfen.\n\n– eins\n– zwei\n\nViele Grüße\nTina" in mail.payload["text"]
    assert "Viele Grüße<br>" in mail.payload["html"]
    page = get(web, people.anna, f"/c/{people.context_id}/forum/threads/{thread_id}")
    assert "Viele Grüße<br>" in page.text


def test_ones_own_question_and_post_are_named_in_a_sentence_not_by_a_pronoun(
    web: TestClient, db: Session, people: People, make_learner
):
    thread_id = ask_in_forum(web, people.tina)
    reply_to(web, people.tina, thread_id, "Eine Ergänzung der Tutorin.")
    listing = parse(get(web, people.tina, lesson_path(people.tina, "/forum")).text)
    assert "Von Ihnen gefragt" in listing.find("ul", cls="thread-list").clean_text
    page = parse(get(web, people.tina, thread_path(people, thread_id)).text)
    assert page.find("p", cls="thread-meta").clean_text.startswith("Von Ihnen gefragt")
    metas = [meta.clean_text for meta in page.find_all("p", cls="post__meta")]
    assert metas and all(meta.startswith("Sie (Tutor:in) ·") for meta in metas)
    assert "Gefragt von Sie" not in page.clean_text and "Sie Tutor:in" not in page.clean_text
    # in English too; someone else's question still says who asked
    english_tutor = make_learner(
        context=db.get(LmsContext, people.context_id), role=Role.TUTOR, locale="en"
    )
    own = ask_in_forum(web, english_tutor, title="Eine Frage auf Englisch gestellt?")
    page = parse(get(web, english_tutor, thread_path(people, own)).text)
    assert page.find("p", cls="thread-meta").clean_text.startswith("Asked by you")
    assert page.find("p", cls="post__meta").clean_text.startswith("You (tutor) ·")
    others = parse(get(web, english_tutor, thread_path(people, thread_id)).text)
    assert others.find("p", cls="thread-meta").clean_text.startswith("Asked by Tina Tutor")
