# ruff: noqa: F811 - fixtures are imported by name and then requested as arguments
"""The community's pages (the forum, the FAQ, questions to the course lead) speak a language
added only as a catalog (the pseudo-locale): every text on them comes from the catalog,
apart from data (people's names, the course's content, what people wrote, dates), with
content of every kind on them: anonymous and tutors' posts, an accepted answer, reports
open and resolved, FAQ entries from the files, the tool and the forum, an answered
question, each confirmation after a redirect and the refusals of a form."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from babel import Locale
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from course.content import load as content
from course.faq.models import FaqEntry
from course.forum.models import ForumReport
from course.forum.rules import MAX_TITLE
from course.http import NOTICES
from course.models import Course, Lesson
from course.questions.models import LecturerQuestion
from kurswerk.core.auth import Role
from kurswerk.core.clock import format_locale
from lti.models import LmsContext
from tests.course.conftest import CONTENT
from tests.course.test_forum_helpers import LESSON, ask_in_forum, post_form, reply_to, web
from tests.support.people import Learner
from tests.support.pseudo_locale import PSEUDO, pseudo_catalogs, unwrapped_text  # noqa: F401

__all__ = ["web"]

QUESTION = "Wie priorisiere ich Kundenbeziehungen?"
OTHER_QUESTION = "Was ist eine Kundenbeziehung?"
BODY = "Ich verstehe die Arten der Kundenbeziehung nicht ganz."
ANSWER = "Nach Art und Priorität, siehe Prozessschritt."
OWN_ENTRY = ("Gilt das auch für Vereine?", "Ja, genauso.")
ASKED = ("Frage zur Abgabe", "Wann ist die Abgabe fällig?")
REPORT_REASON = "Werbung"
NAMES = ("Anna Andersen", "Ben Becker", "Tina Tutor")


@dataclass
class Community:
    anna: Learner
    ben: Learner
    tina: Learner
    thread_id: int
    reply_id: int  # Tina's, accepted and in the FAQ
    anonymous_id: int  # Anna's, anonymous to learners
    question_id: int

    def path(self, tail: str) -> str:
        return f"/c/{self.anna.context_id}{tail}"


@pytest.fixture
def community(db: Session, web: TestClient, make_learner, pseudo_catalogs) -> Community:
    content.load(db, CONTENT)
    db.commit()
    anna = make_learner(name=NAMES[0], email="anna@example.org", locale=pseudo_catalogs)
    context = db.get(LmsContext, anna.context_id)
    ben = make_learner(context=context, name=NAMES[1], locale=pseudo_catalogs)
    tina = make_learner(context=context, role=Role.TUTOR, name=NAMES[2], locale=pseudo_catalogs)
    base = f"/c/{anna.context_id}"

    def done(person: Learner, path: str, data: dict[str, str]) -> None:
        response = post_form(web, person, base + path, data)
        assert response.status_code == 303, response.text[:2000]

    thread_id = ask_in_forum(web, anna, QUESTION, BODY)
    reply_id = reply_to(web, tina, thread_id, ANSWER)
    anonymous = reply_to(web, anna, thread_id, "Danke, das hilft.", anonymous=True)
    done(anna, f"/forum/posts/{reply_id}/accept", {"accepted": "true"})
    done(tina, f"/forum/posts/{reply_id}/promote", {"confirm": "yes"})
    for reported in (anonymous, reply_id):
        done(ben, f"/forum/posts/{reported}/report", {"reason": REPORT_REASON})
    db.expire_all()
    first = db.exec(select(ForumReport).order_by(col(ForumReport.id))).first()
    assert first is not None
    done(tina, f"/forum/reports/{first.id}/resolve", {"resolution": "dismissed"})
    question, answer = OWN_ENTRY
    done(tina, f"/lessons/{LESSON}/faq/new", {"question": question, "answer": answer})
    subject, body = ASKED
    done(anna, f"/lessons/{LESSON}/ask", {"subject": subject, "body": body})
    db.expire_all()
    asked = db.exec(select(LecturerQuestion)).one()
    done(tina, f"/questions/{asked.id}/answer", {"answer": "Am Freitag."})
    return Community(anna, ben, tina, thread_id, reply_id, anonymous, int(asked.id or 0))


def _data(db: Session, *more: str) -> tuple[str, ...]:
    """What the pages show as stored: people, the course's content (titles, the FAQ of
    the files), what people wrote, and dates."""
    titles = [row.title for row in db.exec(select(Course)).all()]
    titles += [row.title for row in db.exec(select(Lesson)).all()]
    faq = [text for row in db.exec(select(FaqEntry)).all() for text in (row.question, row.answer)]
    written = (
        QUESTION,
        OTHER_QUESTION,
        BODY,
        ANSWER,
        *OWN_ENTRY,
        *ASKED,
        REPORT_REASON,
        "Danke, das hilft.",
    )
    where: Locale = format_locale(PSEUDO)
    months = [*where.months["format"]["abbreviated"].values()]
    return (*NAMES, *titles, *faq, *written, "Am Freitag.", *months, *more)


def _speaks(page: Any, data: tuple[str, ...], status: int = 200) -> None:
    assert page.status_code == status, page.text[:2000]
    assert '<html lang="qps">' in page.text
    assert unwrapped_text(page.text, data) == [], page.request.url


def _get(web: TestClient, person: Learner, path: str) -> Any:
    return web.get(person.url(path))


def test_the_forum_pages(web: TestClient, db: Session, community: Community):
    c, data = community, _data(db)
    thread = f"/forum/threads/{c.thread_id}"
    for person in (c.anna, c.ben, c.tina):
        _speaks(_get(web, person, c.path(f"/lessons/{LESSON}/forum")), data)
        _speaks(_get(web, person, c.path(f"/lessons/{LESSON}/forum?q=Kundenbeziehung")), data)
        _speaks(_get(web, person, c.path(f"/lessons/{LESSON}/forum?q=Zebra")), data)
        _speaks(_get(web, person, c.path(thread)), data)
        _speaks(_get(web, person, c.path(f"/lessons/{LESSON}/forum/new")), data)
        _speaks(_get(web, person, c.path("/forum/notifications")), data)
    _speaks(_get(web, c.tina, c.path(f"/forum/posts/{c.reply_id}/edit")), data)
    _speaks(_get(web, c.ben, c.path(f"/forum/posts/{c.reply_id}/report")), data)
    _speaks(_get(web, c.tina, c.path("/forum/reports")), data)
    _speaks(_get(web, c.tina, c.path("/forum/reports?resolved=1")), data)
    other = ask_in_forum(web, c.ben, OTHER_QUESTION, BODY)
    answer = reply_to(web, c.tina, other, ANSWER)
    _speaks(_get(web, c.tina, c.path(f"/forum/posts/{answer}/promote")), data)


def test_the_confirmations_after_a_redirect(web: TestClient, db: Session, community: Community):
    c, data = community, _data(db)
    for notice in NOTICES:
        _speaks(_get(web, c.tina, c.path(f"/lessons/{LESSON}/forum?notice={notice}")), data)


def test_the_refusals_of_a_form(web: TestClient, db: Session, community: Community):
    c, data = community, _data(db)
    new = c.path(f"/lessons/{LESSON}/forum/new")
    empty = post_form(web, c.anna, new, {"title": "", "body": BODY, "action": "post"})
    _speaks(empty, data, status=400)
    too_long = "x" * (MAX_TITLE + 1)
    long = post_form(web, c.anna, new, {"title": too_long, "body": BODY, "action": "post"})
    _speaks(long, (*data, too_long), status=413)
    own = post_form(web, c.anna, c.path(f"/forum/posts/{c.anonymous_id}/report"), {"reason": ""})
    _speaks(own, data, status=400)


def test_the_faq_and_question_pages(web: TestClient, db: Session, community: Community):
    c, data = community, _data(db)
    for person in (c.anna, c.tina):
        _speaks(_get(web, person, c.path(f"/lessons/{LESSON}/questions")), data)
        _speaks(_get(web, person, c.path(f"/lessons/{LESSON}/faq")), data)
        _speaks(_get(web, person, c.path(f"/lessons/{LESSON}/faq?q=Kundenbeziehung")), data)
        _speaks(_get(web, person, c.path(f"/lessons/{LESSON}/ask")), data)
        _speaks(_get(web, person, c.path("/questions")), data)
        _speaks(_get(web, person, c.path(f"/questions/{c.question_id}")), data)
    _speaks(_get(web, c.tina, c.path(f"/lessons/{LESSON}/faq/new")), data)
    from_files = db.exec(select(FaqEntry).where(FaqEntry.origin == "file")).first()
    assert from_files is not None  # its form says that the change stays in this LMS course
    _speaks(_get(web, c.tina, c.path(f"/faq/{from_files.id}/edit")), data)
    _speaks(_get(web, c.tina, c.path(f"/questions/{c.question_id}/publish")), data)
