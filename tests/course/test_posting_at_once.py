"""Posting rules that check before they insert, under requests that arrive at the same
moment, over a real socket. The flood limit (posts and questions per person per minute)
counts what was posted before and inserts only if the limit allows; a report looks for
the same person's report of the post first. Neither check may interleave with another
request of the same person: both take the lock on the person's row first
(``kurswerk.core.db.lock_row``).

Measured before the lock: twelve new questions of one learner sent at once were all
stored on SQLite (limit 5), because each counted before any other had committed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
from sqlalchemy import func
from sqlmodel import Session, SQLModel, select

from course.faq.models import FaqEntry
from course.forum.models import ForumPost, ForumReport, ForumThread
from course.questions.models import LecturerQuestion
from tests.course.test_forum_helpers import (
    People,
    ask_in_forum,
    emails,
    get,
    lesson_path,
    people,
    question_of,
    reply_to,
    web,
)
from tests.e2e.servers import served
from tests.support.overlap import overlapping_writes, run_at_once

__all__ = ["people", "web"]


def count(db: Session, model: type[SQLModel], **where: Any) -> int:
    db.expire_all()
    query = select(func.count()).select_from(model)
    for name, value in where.items():
        query = query.where(getattr(model, name) == value)
    return int(db.exec(query).one())


def sender(
    base: str, people: People, path: str, data: dict[str, str], *, who: str = "anna"
) -> Callable[[], int]:
    """One POST of a form (Anna's, unless ``who`` names another) from a client of its
    own; returns the status code."""
    person = getattr(people, who)

    def send() -> int:
        with httpx.Client(base_url=base, timeout=60, follow_redirects=False) as client:
            form = {"csrf_token": person.csrf, **data}
            return client.post(person.url(path), data=form).status_code

    return send


# (path for Anna, form, the table a request inserts into first, the model counted)
KINDS: dict[str, Callable[[People, int], tuple[str, dict[str, str], str, type[SQLModel]]]] = {
    "new-thread": lambda p, n: (
        lesson_path(p.anna, "/forum/new"),
        {"title": f"Frage {n}", "body": "Wie geht das?", "action": "post"},
        "forum_thread",
        ForumThread,
    ),
    "reply": lambda p, n: (
        f"/c/{p.context_id}/forum/threads/{n}/reply",
        {"body": "Noch eine Antwort."},
        "forum_post",
        ForumPost,
    ),
    "lecturer-question": lambda p, n: (
        lesson_path(p.anna, "/ask"),
        {"subject": "Frage an die Kursleitung", "body": "Wie geht das?"},
        "lecturer_question",
        LecturerQuestion,
    ),
}


@pytest.mark.parametrize("kind", list(KINDS))
def test_two_posts_at_once_over_the_last_allowance_store_one(
    app, web, people: People, db: Session, settings, kind: str
):
    """Anna may post once more this minute and sends two at the same moment; the first
    has inserted but not committed when the second starts to write. The second waits
    for the first at the lock on Anna's row, then counts the first's post and is refused
    (429). Counted without the lock it would find none and store a second."""
    thread_id = ask_in_forum(web, people.ben)  # Ben's thread: Anna's replies go there
    settings.forum_posts_per_minute = 1
    path, data, table, model = KINDS[kind](people, thread_id)
    before = count(db, model)
    with served(app) as base, overlapping_writes(table) as overlap:
        codes = run_at_once(*(sender(base, people, path, data) for _ in range(2)))
    assert overlap.paused and not overlap.timed_out
    assert sorted(codes, key=str) == [303, 429]
    assert count(db, model) == before + 1


def test_twelve_new_questions_at_once_store_five(app, web, people: People, db: Session, settings):
    """The attack as it was measured: twelve new forum questions of one learner at the
    same moment, the limit at five a minute; the first holds its uncommitted question
    until the other eleven have begun to write. Five are stored, seven refused (429).
    (Ben asks first, so the LMS course is bound to its content already: the binding,
    written by the first request in a course, would take SQLite's write lock early and
    serialise the crowd by chance.)"""
    ask_in_forum(web, people.ben)
    settings.forum_posts_per_minute = 5
    path, data, table, _ = KINDS["new-thread"](people, 0)
    with served(app) as base, overlapping_writes(table, others=11) as overlap:
        codes = run_at_once(*(sender(base, people, path, data) for _ in range(12)))
    assert overlap.paused and not overlap.timed_out
    assert sorted(codes, key=str) == [303] * 5 + [429] * 7
    assert count(db, ForumThread, author_id=people.anna.principal.user_id) == 5


def test_two_reports_of_one_post_at_once_are_one_report(app, web, people: People, db: Session):
    """Anna reports Ben's question twice at the same moment (a double click); the first
    has inserted its report but not committed when the second starts to write. The
    second waits at the lock on Anna's row, then finds the first report and changes
    nothing: one report, one notice to the tutors, and no error page. Without the lock
    it looked too early, inserted again and failed on the unique constraint (500)."""
    post_id = question_of(db, ask_in_forum(web, people.ben))
    path = f"/c/{people.context_id}/forum/posts/{post_id}/report"
    notices = len(emails(db))
    with served(app) as base, overlapping_writes("forum_report") as overlap:
        codes = run_at_once(*(sender(base, people, path, {"reason": "Spam"}) for _ in range(2)))
    assert overlap.paused and not overlap.timed_out
    assert codes == [303, 303]
    assert count(db, ForumReport, post_id=post_id) == 1
    assert len(emails(db)) - notices == 1  # Tina, the course's one tutor, told once


def test_a_double_click_on_promote_makes_one_faq_entry(app, web, people: People, db: Session):
    """Tina turns Ben's answer into an FAQ entry with two clicks at the same moment; the
    first has inserted the entry but not committed when the second starts to write. The
    second waits at the lock on the thread's row, then finds the entry (a thread is
    promoted once). Without the lock both found none and two entries were made."""
    thread_id = ask_in_forum(web, people.anna)
    answer_id = reply_to(web, people.ben, thread_id, "So geht das: erst planen, dann posten.")
    path = f"/c/{people.context_id}/forum/posts/{answer_id}/promote"
    with served(app) as base, overlapping_writes("faq_entry") as overlap:
        form = {"confirm": "yes"}  # what the confirmation page sends
        codes = run_at_once(*(sender(base, people, path, form, who="tina") for _ in range(2)))
    assert overlap.paused and not overlap.timed_out
    assert codes == [303, 303]
    assert count(db, FaqEntry, thread_id=thread_id) == 1


def test_two_changes_of_a_file_faq_entry_at_once_make_one_override(
    app, web, people: People, db: Session
):
    """Tina changes an FAQ entry from the course files in two tabs at the same moment;
    the first has inserted her LMS course's override but not committed when the second
    starts to write. The second waits at the lock on the file entry's row, then finds
    the override and changes it. Without the lock both found none, and the second
    failed on the unique constraint (500)."""
    get(web, people.tina, lesson_path(people.tina, "/faq"))  # the course bound: no other write
    db.expire_all()
    [original] = db.exec(
        select(FaqEntry).where(FaqEntry.source_key.is_not(None)).limit(1)  # type: ignore[union-attr]
    ).all()
    path = f"/c/{people.context_id}/faq/{original.id}/edit"
    forms = [
        {"question": f"Geänderte Frage {n}?", "answer": f"Antwort {n}.", "position": "0"}
        for n in (1, 2)
    ]
    with served(app) as base, overlapping_writes("faq_entry") as overlap:
        codes = run_at_once(*(sender(base, people, path, form, who="tina") for form in forms))
    assert overlap.paused and not overlap.timed_out
    assert codes == [303, 303]
    assert count(db, FaqEntry, overrides_id=original.id) == 1
