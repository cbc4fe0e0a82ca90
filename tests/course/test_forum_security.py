"""Hostile input and the wrong people: the XSS corpus through the forum's render paths,
someone else's ids on every route, anonymity towards peers (pages, fragments, search,
emails), CSRF on every form, oversize posts and flood protection."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func
from sqlmodel import Session, SQLModel, select

from course.faq import routes as faq_routes
from course.faq.models import FaqEntry
from course.forum import routes as forum_routes
from course.forum.models import (
    ForumPost,
    ForumReport,
    ForumSubscription,
    ForumThread,
    SearchTerm,
)
from course.questions import routes as questions_routes
from course.questions.models import LecturerQuestion
from kurswerk.core.email_links import EmailLinks
from kurswerk.core.outbox.models import OutboxMessage
from tests.course.html_tools import parse
from tests.course.test_forum_helpers import (
    People,
    ask_in_forum,
    emails,
    emails_to,
    get,
    lesson_path,
    people,
    post_form,
    question_of,
    reply_to,
    web,
)
from tests.kurswerk.test_usertext import FORBIDDEN_ELEMENTS, XSS_CORPUS, _inspect, scheme_of

__all__ = ["people", "web"]

TABLES: list[type[SQLModel]] = [
    ForumThread,
    ForumPost,
    ForumReport,
    ForumSubscription,
    FaqEntry,
    LecturerQuestion,
    SearchTerm,
    OutboxMessage,
]


def snapshot(db: Session) -> dict[str, Any]:
    """Everything the forum features write, to prove a refused request wrote nothing."""
    db.expire_all()
    return {
        model.__name__: sorted(
            repr(sorted(row.model_dump().items())) for row in db.exec(select(model)).all()
        )
        for model in TABLES
    }


PAGE_FORBIDDEN = {"script", "svg", "math", "iframe", "object", "embed", "img", "style", "base"}
"""Elements no forum page has of its own (pages do have forms, inputs, buttons, meta)."""

OWN_PARTS = (
    re.compile(
        r'<script src="[^"<>]*/static/frame-resize\.js(?:\?v=[0-9a-f]{12})?" defer></script>'
    ),
    re.compile(r'<link rel="icon" href="data:image/svg\+xml,[^"<>]*" type="image/svg\+xml">'),
    re.compile(
        r'<img class="brand__logo" src="data:image/(?:svg\+xml|png|webp);base64,[A-Za-z0-9+/=]+"'
        r' alt="[^"<>]*">'
    ),
)
"""What every page has of its own (``base.html``): the script that fits the LMS frame, the
icon written into the page, and the course's logo from its course files (checked when
loaded) in the header."""


def without_own_script(page: str) -> str:
    """``page`` without the parts every page has of its own (each at most once), so that
    anything else is found."""
    for own in OWN_PARTS:
        assert len(own.findall(page)) <= 1
        page = own.sub("", page)
    return page


def executable_parts(
    markup: str, forbidden: set[str] = FORBIDDEN_ELEMENTS, *, style_ok: bool = False
) -> list[str]:
    """What a browser could run in ``markup``: forbidden elements, event handlers,
    style/src attributes, and hrefs with a scheme other than http(s)/mailto."""
    inspector = _inspect(markup)
    found = [f"<{tag}>" for tag in forbidden & set(inspector.elements)]
    for tag, name, value in inspector.attributes:
        if name == "style" and style_ok:
            continue
        if name.startswith("on") or name in {"style", "src", "srcdoc", "formaction"}:
            found.append(f"{tag}[{name}]")
        if name == "href" and scheme_of(value) not in ("http:", "https:", "mailto:", ""):
            found.append(f"{tag}[href={value}]")
    return found


# --- The XSS corpus through the forum ---------------------------------------------------


@pytest.fixture
def many_posts(settings):
    settings.forum_posts_per_minute = 10_000


def test_no_corpus_entry_survives_as_markup_in_a_thread_page(
    web: TestClient, people: People, db: Session, many_posts: None
):
    thread_id = ask_in_forum(web, people.anna, "XSS-Sammlung", "Die Sammlung folgt.")
    post_ids = {reply_to(web, people.ben, thread_id, source): source for source in XSS_CORPUS}
    thread = f"/c/{people.context_id}/forum/threads/{thread_id}"
    pages = [
        parse(without_own_script(get(web, people.anna, f"{thread}?page={n}").text)) for n in (1, 2)
    ]
    failures = []
    for post_id, source in post_ids.items():
        [article] = [a for page in pages for a in page.find_all(id=f"post-{post_id}")]
        html = _outer_html(article.find("div", cls="post__body"))
        if executable_parts(html):
            failures.append((source, executable_parts(html)))
    assert failures == []
    for page in pages:  # and nowhere else on the pages either
        assert "script" not in {el.tag for el in page.iter()}


def _outer_html(element: Any) -> str:
    """Re-serialise a parsed element (attributes kept) for the inspector."""
    parts = []
    for child in element.children:
        if isinstance(child, str):
            parts.append(child.replace("<", "&lt;"))
        else:
            attrs = "".join(
                f' {k}="{(v or "").replace(chr(34), "&quot;")}"' for k, v in child.attrs.items()
            )
            parts.append(f"<{child.tag}{attrs}>{_outer_html(child)}</{child.tag}>")
    return "".join(parts)


@pytest.mark.parametrize(
    "source",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        '"><svg onload=alert(1)>',
        "[x](javascript:alert(1))",
    ],
)
def test_titles_faq_answers_questions_fragments_and_emails_render_the_corpus_inert(
    web: TestClient, people: People, db: Session, source: str
):
    post_form(web, people.tina, lesson_path(people.tina, "/forum/follow"), {"follow": "true"})
    thread_id = ask_in_forum(web, people.anna, f"Titel {source}", f"Text {source}")
    reply_id = reply_to(web, people.ben, thread_id, f"Antwort {source}")
    promote = f"/c/{people.context_id}/forum/posts/{reply_id}/promote"
    assert get(web, people.tina, promote).status_code == 200  # the confirmation page
    post_form(web, people.tina, promote, {"confirm": "yes"})
    post_form(
        web, people.anna, lesson_path(people.anna, "/ask"),
        {"subject": f"Betreff {source}", "body": f"Frage {source}"},
    )  # fmt: skip
    question = db.exec(select(LecturerQuestion)).one()
    pages = {
        "list": lesson_path(people.ben, "/forum"),
        "thread": f"/c/{people.context_id}/forum/threads/{thread_id}",
        "faq": lesson_path(people.ben, "/faq"),
        "search": lesson_path(people.ben, "/forum?q=Titel"),
        "fragment": lesson_path(people.ben, "/forum/suggest?text=Titel+Text"),
    }
    for name, path in pages.items():
        response = get(web, people.ben, path)
        assert response.status_code == 200, name
        assert executable_parts(without_own_script(response.text), PAGE_FORBIDDEN) == [], name
    detail = get(web, people.tina, f"/c/{people.context_id}/questions/{question.id}")
    assert executable_parts(without_own_script(detail.text), PAGE_FORBIDDEN) == []
    assert len(emails(db)) >= 3  # question to the tutors, forum posts to followers
    for mail in emails(db):
        # Emails carry inline styles of their own layout (no stylesheet in mail clients).
        found = executable_parts(mail.payload["html"], PAGE_FORBIDDEN, style_ok=True)
        assert found == [], mail.payload["template"]


# --- Someone else's ids on every route --------------------------------------------------


@pytest.fixture
def objects(web: TestClient, people: People, db: Session) -> dict[str, int]:
    """Anna's thread, question post, a reply of Anna's, her private question, a report,
    and an FAQ entry of this LMS course."""
    thread_id = ask_in_forum(web, people.anna)
    reply_id = reply_to(web, people.anna, thread_id, "Meine eigene Ergänzung.")
    post_form(
        web, people.tina, f"/c/{people.context_id}/forum/posts/{reply_id}/report", {"reason": "x"}
    )
    post_form(web, people.anna, lesson_path(people.anna, "/ask"), {"subject": "S", "body": "B"})
    post_form(
        web, people.tina, lesson_path(people.tina, "/faq/new"),
        {"question": "Eigene FAQ?", "answer": "Ja."},
    )  # fmt: skip
    db.expire_all()
    return {
        "thread": thread_id,
        "post": question_of(db, thread_id),
        "reply": reply_id,
        "question": db.exec(select(LecturerQuestion.id)).one(),
        "report": db.exec(select(ForumReport.id)).one(),
        "faq": db.exec(select(FaqEntry.id).where(FaqEntry.context_id.is_not(None))).one(),  # type: ignore[union-attr]
        "file_faq": db.exec(select(FaqEntry.id).where(FaqEntry.context_id.is_(None))).first(),  # type: ignore[union-attr]
    }


# (method, path under /c/{context}, form data, expected status for a classmate learner)
ATTEMPTS: list[tuple[str, str, dict[str, str], int]] = [
    ("POST", "/forum/posts/{reply}/edit", {"body": "Übernommen!"}, 403),
    ("GET", "/forum/posts/{reply}/edit", {}, 403),
    ("POST", "/forum/posts/{post}/edit", {"body": "x", "title": "Gekapert"}, 403),
    ("POST", "/forum/posts/{reply}/delete", {}, 403),
    ("POST", "/forum/posts/{post}/delete", {}, 403),
    ("POST", "/forum/posts/{reply}/hide", {"hidden": "true"}, 403),
    ("POST", "/forum/posts/{reply}/accept", {"accepted": "true"}, 403),
    ("POST", "/forum/posts/{reply}/promote", {}, 403),
    ("POST", "/forum/posts/{reply}/promote", {"confirm": "yes"}, 403),
    ("GET", "/forum/posts/{reply}/promote", {}, 403),
    ("POST", "/forum/threads/{thread}/flags", {"flag": "pinned", "value": "true"}, 403),
    ("POST", "/forum/threads/{thread}/flags", {"flag": "locked", "value": "true"}, 403),
    ("POST", "/forum/threads/{thread}/flags", {"flag": "hidden", "value": "true"}, 403),
    ("POST", "/forum/threads/{thread}/delete", {}, 403),
    ("POST", "/forum/threads/{thread}/move", {"lesson": "kundenbeziehungen"}, 403),
    ("GET", "/forum/reports", {}, 403),
    ("POST", "/forum/reports/{report}/resolve", {"resolution": "dismissed"}, 403),
    ("GET", "/questions/{question}", {}, 404),
    ("POST", "/questions/{question}/answer", {"answer": "Ich antworte."}, 403),
    ("GET", "/questions/{question}/publish", {}, 403),
    ("POST", "/questions/{question}/publish", {"question": "q", "answer": "a"}, 403),
    ("GET", "/faq/{faq}/edit", {}, 403),
    ("POST", "/faq/{faq}/edit", {"question": "Gekapert?", "answer": "Ja"}, 403),
    ("POST", "/faq/{faq}/delete", {}, 403),
    ("POST", "/faq/{file_faq}/edit", {"question": "Gekapert?", "answer": "Ja"}, 403),
    ("POST", "/faq/{file_faq}/revert", {}, 403),
    ("GET", "/lessons/kundenbeziehungen/faq/new", {}, 403),
    ("POST", "/lessons/kundenbeziehungen/faq/new", {"question": "q?", "answer": "a"}, 403),
]


def _attempt(web: TestClient, person: Any, context_id: int, attempt: Any, ids: dict[str, int]):
    method, template, data, _ = attempt
    path = f"/c/{context_id}" + template.format(**ids)
    if method == "GET":
        return web.get(person.url(path))
    return web.post(person.url(path), data={"csrf_token": person.csrf, **data})


@pytest.mark.parametrize("attempt", ATTEMPTS, ids=[f"{m} {p}" for m, p, _, _ in ATTEMPTS])
def test_a_classmate_cannot_act_on_anothers_posts_questions_or_the_faq(
    web: TestClient, people: People, db: Session, objects: dict[str, int], attempt
):
    before = snapshot(db)
    response = _attempt(web, people.ben, people.context_id, attempt, objects)
    assert response.status_code == attempt[3], response.text[:500]
    assert snapshot(db) == before


@pytest.mark.parametrize("attempt", ATTEMPTS, ids=[f"{m} {p}" for m, p, _, _ in ATTEMPTS])
def test_a_learner_of_another_lms_course_finds_nothing_with_these_ids(
    web: TestClient, people: People, db: Session, objects: dict[str, int], attempt
):
    before = snapshot(db)
    own = _attempt(web, people.olga, people.olga.context_id, attempt, objects)
    # Her own LMS course in the URL: the ids are "not found" there (tutor-only routes
    # refuse a learner before looking anything up).
    assert own.status_code in (403, 404), own.status_code
    theirs = _attempt(web, people.olga, people.context_id, attempt, objects)
    assert theirs.status_code == 403  # a session for another LMS course
    assert snapshot(db) == before


def test_other_lms_courses_do_not_see_the_thread_or_the_question(
    web: TestClient, people: People, objects: dict[str, int]
):
    olga = people.olga
    assert (
        get(web, olga, f"/c/{olga.context_id}/forum/threads/{objects['thread']}").status_code == 404
    )
    assert (
        get(web, olga, f"/c/{olga.context_id}/questions/{objects['question']}").status_code == 404
    )
    assert "Was ist der Unterschied" not in get(web, olga, lesson_path(olga, "/forum")).text
    assert "Eigene FAQ?" not in get(web, olga, lesson_path(olga, "/faq")).text


def test_a_learner_sees_only_their_own_questions_in_every_listing(
    web: TestClient, people: People, objects: dict[str, int]
):
    assert "questions/" in get(web, people.anna, f"/c/{people.context_id}/questions").text
    for path in (f"/c/{people.context_id}/questions", lesson_path(people.ben, "/ask")):
        page = get(web, people.ben, path)
        assert page.status_code == 200
        assert f"/questions/{objects['question']}" not in page.text


# --- Anonymous to peers -------------------------------------------------------------------


ANNA_MARKERS = ("Anna", "Andersen", "anna@example.org")


def _leaks(text: str) -> list[str]:
    return [marker for marker in ANNA_MARKERS if marker in text]


def test_an_anonymous_question_never_names_its_author_to_peers(
    web: TestClient, people: People, db: Session
):
    post_form(web, people.ben, lesson_path(people.ben, "/forum/follow"), {"follow": "true"})
    thread_id = ask_in_forum(
        web, people.anna, "Anonyme Frage zur Kundenbeziehung", "Peinliche Frage.", anonymous=True
    )
    reply_id = reply_to(web, people.ben, thread_id, "Eine Antwort von Ben.")
    reply_to(web, people.anna, thread_id, "Danke, das hilft mir!", anonymous=True)
    post_form(
        web, people.ben, f"/c/{people.context_id}/forum/notifications", {"delivery": "instant"}
    )

    peer_views = {
        "list": lesson_path(people.ben, "/forum"),
        "thread": f"/c/{people.context_id}/forum/threads/{thread_id}",
        "search": lesson_path(people.ben, "/forum?q=Kundenbeziehungen"),
        "search-all": lesson_path(people.ben, "/forum?q=peinlich&scope=course"),
        "fragment": lesson_path(people.ben, "/forum/suggest?text=Anonyme+Kundenbeziehung"),
        "report-form": f"/c/{people.context_id}/forum/posts/{question_of(db, thread_id)}/report",
        "notifications": f"/c/{people.context_id}/forum/notifications",
        "hub": lesson_path(people.ben, "/questions"),
    }
    for name, path in peer_views.items():
        response = get(web, people.ben, path)
        assert response.status_code == 200, name
        assert _leaks(response.text) == [], name
    thread_page = get(web, people.ben, peer_views["thread"]).text
    assert "Anonyme Frage zur Kundenbeziehung" in thread_page and "Anonym" in thread_page
    assert (
        get(web, people.ben, peer_views["fragment"]).headers["content-type"].startswith("text/html")
    )

    ben_mail = emails_to(db, "ben@example.org")
    assert len(ben_mail) == 2  # the new question, Anna's anonymous reply
    for mail in ben_mail:
        for part in ("subject", "text", "html"):
            assert _leaks(mail.payload[part]) == [], (mail.payload["template"], part)
        assert "Anonym" in mail.payload["text"]

    # Tutors still see who asked, marked as anonymous to learners; Anna sees herself.
    tutor_view = parse(get(web, people.tina, peer_views["thread"]).text)
    assert "Anna Andersen" in tutor_view.find("p", cls="thread-meta").text
    assert "anonym für Teilnehmende" in tutor_view.find("p", cls="thread-meta").text
    own_view = parse(get(web, people.anna, peer_views["thread"]).text)
    assert own_view.find("p", cls="thread-meta").clean_text.startswith("Von Ihnen gefragt")
    # Ben's own post is not anonymous and is named.
    assert "Ben Becker" in get(web, people.anna, peer_views["thread"]).text
    assert reply_id


def test_the_daily_digest_does_not_name_anonymous_authors_to_peers(
    web: TestClient, people: People, db: Session, settings
):
    from datetime import timedelta

    from course.forum.periodic import send_digests
    from kurswerk.core.clock import utcnow

    post_form(web, people.ben, lesson_path(people.ben, "/forum/follow"), {"follow": "true"})
    post_form(
        web, people.ben, f"/c/{people.context_id}/forum/notifications", {"delivery": "digest"}
    )
    post_form(web, people.tina, lesson_path(people.tina, "/forum/follow"), {"follow": "true"})
    post_form(
        web, people.tina, f"/c/{people.context_id}/forum/notifications", {"delivery": "digest"}
    )
    ask_in_forum(web, people.anna, "Anonym im Digest", "Geheim.", anonymous=True)
    assert emails_to(db, "ben@example.org") == []  # digest readers get no single emails
    assert (
        send_digests(db, links=EmailLinks(settings), now=utcnow() + timedelta(days=1, minutes=1))
        == 2
    )
    db.commit()
    [ben] = emails_to(db, "ben@example.org", "forum_digest")
    assert "Anonym im Digest" in ben.payload["text"]
    for part in ("subject", "text", "html"):
        assert _leaks(ben.payload[part]) == []
    [tina] = emails_to(db, "tina@example.org", "forum_digest")
    assert "Anna Andersen" in tina.payload["text"]


def test_a_learner_cannot_post_as_someone_else_or_unmask_a_post(
    web: TestClient, people: People, db: Session
):
    thread_id = ask_in_forum(web, people.anna, "Anonym", "Text", anonymous=True)
    post_id = question_of(db, thread_id)
    response = post_form(
        web, people.ben, f"/c/{people.context_id}/forum/posts/{post_id}/edit",
        {"body": "Text", "title": "Anonym", "anonymous": "false"},
    )  # fmt: skip
    assert response.status_code == 403
    db.expire_all()
    assert db.get(ForumPost, post_id).anonymous is True  # type: ignore[union-attr]


# --- CSRF on every form ---------------------------------------------------------------------


def _post_routes() -> list[str]:
    paths = []
    for module in (faq_routes, forum_routes, questions_routes):
        for route in module.router.routes:
            if "POST" in getattr(route, "methods", set()):
                paths.append(route.path)  # type: ignore[attr-defined]
    return sorted(set(paths))


POST_ROUTES = _post_routes()


def test_every_post_route_declares_the_csrf_check():
    from kurswerk.core.csrf import require_csrf

    unchecked = [
        route.path  # type: ignore[attr-defined]
        for module in (faq_routes, forum_routes, questions_routes)
        for route in module.router.routes
        if "POST" in getattr(route, "methods", set())
        and require_csrf not in [d.dependency for d in route.dependencies]  # type: ignore[attr-defined]
    ]
    assert POST_ROUTES and unchecked == []


@pytest.mark.parametrize("path", POST_ROUTES)
@pytest.mark.parametrize("token", [None, "", "forged"], ids=["missing", "empty", "forged"])
def test_every_form_refuses_a_missing_or_wrong_csrf_token(
    web: TestClient, people: People, db: Session, objects: dict[str, int], path: str, token
):
    ids = {
        "slug": "kundenbeziehungen",
        "thread_id": objects["thread"],
        "post_id": objects["reply"],
        "question_id": objects["question"],
        "report_id": objects["report"],
        "entry_id": objects["faq"],
    }
    url = f"/c/{people.context_id}" + path.format(**ids)
    data = {
        "title": "t", "body": "b", "question": "q?", "answer": "a", "subject": "s",
        "follow": "true", "flag": "pinned", "value": "true", "hidden": "true",
        "accepted": "true", "lesson": "kundenbeziehungen", "resolution": "dismissed",
        "delivery": "digest", "target": f"thread:{objects['thread']}", "reason": "r",
        "action": "post",
    }  # fmt: skip
    if token is not None:
        data["csrf_token"] = token if token != "forged" else people.ben.csrf
    before = snapshot(db)
    response = web.post(people.tina.url(url), data=data)
    assert response.status_code == 403, response.text[:300]
    assert snapshot(db) == before


# --- Oversize posts, flood protection -------------------------------------------------------


@pytest.mark.parametrize(
    "make",
    [
        lambda p, n: (
            lesson_path(p.anna, "/forum/new"),
            {"title": "T", "body": "x" * n, "action": "post"},
        ),
        lambda p, n: (
            lesson_path(p.anna, "/forum/new"),
            {"title": "T" * 201, "body": "b", "action": "post"},
        ),
        lambda p, n: (lesson_path(p.anna, "/ask"), {"subject": "S", "body": "x" * n}),
    ],
    ids=["question-body", "question-title", "lecturer-question"],
)
def test_an_oversize_post_is_refused_with_a_message_and_nothing_is_saved(
    web: TestClient, people: People, db: Session, settings, make: Callable
):
    path, data = make(people, settings.forum_max_post_chars + 1)
    before = snapshot(db)
    response = post_form(web, people.anna, path, data)
    assert response.status_code == 413
    assert "zu lang" in response.text and "Es wurde nichts gespeichert" in response.text
    assert snapshot(db) == before
    # The form comes back with what was typed (up to a sane length), to shorten it.
    assert 'aria-invalid="true"' in response.text


def test_an_oversize_reply_is_refused_and_the_thread_is_unchanged(
    web: TestClient, people: People, db: Session, settings
):
    thread_id = ask_in_forum(web, people.anna)
    before = snapshot(db)
    response = post_form(
        web, people.ben, f"/c/{people.context_id}/forum/threads/{thread_id}/reply",
        {"body": "y" * (settings.forum_max_post_chars + 1)},
    )  # fmt: skip
    assert response.status_code == 413 and "zu lang" in response.text
    assert snapshot(db) == before


def test_a_post_of_exactly_the_limit_is_accepted(web: TestClient, people: People, settings):
    ask_in_forum(web, people.anna, "Lang", "z" * settings.forum_max_post_chars)


def test_posting_faster_than_the_limit_is_refused_with_a_clear_message(
    web: TestClient, people: People, db: Session, settings
):
    settings.forum_posts_per_minute = 3
    thread_id = ask_in_forum(web, people.anna, "Erste")
    reply_to(web, people.anna, thread_id, "Zweite")
    post_form(
        web, people.anna, lesson_path(people.anna, "/ask"), {"subject": "S", "body": "Dritte"}
    )
    before = snapshot(db)
    response = post_form(
        web, people.anna, f"/c/{people.context_id}/forum/threads/{thread_id}/reply",
        {"body": "Vierte, zu schnell"},
    )  # fmt: skip
    assert response.status_code == 429
    assert "in der letzten Minute schon 3 Beiträge" in response.text
    assert "Vierte, zu schnell" in response.text  # the text is kept in the form
    assert snapshot(db) == before
    # Others are not affected; and a minute later Anna may post again.
    reply_to(web, people.ben, thread_id, "Ben darf.")
    db.expire_all()
    for model in (ForumPost, LecturerQuestion):
        for row in db.exec(select(model)).all():
            row.created_at = row.created_at.replace(year=row.created_at.year - 1)
            db.add(row)
    db.commit()
    reply_to(web, people.anna, thread_id, "Jetzt wieder erlaubt.")
    count = db.exec(select(func.count()).select_from(ForumPost)).one()
    assert count == 4
