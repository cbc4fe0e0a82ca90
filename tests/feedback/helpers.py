"""Steps of the review flow as HTTP requests, and looks at the rows they leave."""

from __future__ import annotations

import re
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx import Response
from sqlmodel import Session, select

from feedback.models import Feedback, ReviewClaim
from kurswerk.core.outbox.queue import OutboxMessage
from tests.lti.advantage import Simulator, landing, launch
from tests.support.people import Learner
from uploads.models import Submission


def session_of(app: FastAPI, token: str) -> Learner:
    """The session a launch left: its page token, and the CSRF token its pages carry."""
    codec = app.state.session_codec
    principal = codec.read_page_token(token)
    assert principal is not None
    return Learner(principal, token, codec.csrf_token(principal))


def launched(
    app: FastAPI, client: TestClient, sim: Simulator, person: str, **query: str
) -> Learner:
    """``person`` clicks the course link in the LMS simulator (``query``: which link)."""
    return session_of(app, landing(launch(client, sim, person, **query))[1])


def path(person: Learner, rest: str) -> str:
    return person.url(f"/c/{person.context_id}{rest}")


def claim(web: TestClient, person: Learner, sid: int, **form: Any) -> Response:
    return web.post(path(person, f"/review/{sid}/claim"), data={"csrf_token": person.csrf, **form})


def draft_revision(web: TestClient, person: Learner, sid: int) -> str | None:
    """The draft revision the review page's form carries (None: the page has no form)."""
    page = web.get(path(person, f"/review/{sid}"))
    found = re.search(r'name="draft_revision" value="([0-9a-f]*)"', page.text)
    return found.group(1) if found else None


def save(
    web: TestClient,
    person: Learner,
    sid: int,
    body: str,
    action: str = "save",
    based_on: str | None = None,
) -> Response:
    """The review page's form sent with ``body``: opened just now (its revision read from
    the page), unless ``based_on`` names the revision of an older one."""
    based_on = based_on if based_on is not None else draft_revision(web, person, sid)
    form = {"csrf_token": person.csrf, "body": body, "action": action}
    if based_on is not None:
        form["draft_revision"] = based_on
    return web.post(path(person, f"/review/{sid}/feedback"), data=form)


def confirmation(web: TestClient, person: Learner, sid: int) -> Response:
    """The release confirmation page (``feedback_release_confirm``)."""
    return web.get(path(person, f"/review/{sid}/release"))


def confirmed(page_html: str) -> tuple[str, int]:
    """What a confirmation page's release form sends back: the draft's revision and the
    annotation set's."""
    draft = re.search(r'name="revision" value="([0-9a-f]+)"', page_html)
    annotations = re.search(r'name="annotations_revision" value="([0-9]+)"', page_html)
    assert draft and annotations, "no release form on the confirmation page"
    return draft.group(1), int(annotations.group(1))


def revisions(web: TestClient, person: Learner, sid: int) -> tuple[str, int]:
    """The revisions the release confirmation shows now (what its form sends)."""
    page = confirmation(web, person, sid)
    assert page.status_code == 200, page.text
    return confirmed(page.text)


def revision(web: TestClient, person: Learner, sid: int) -> str:
    """The draft revision the release confirmation shows (what its form sends)."""
    return revisions(web, person, sid)[0]


def release(
    web: TestClient,
    person: Learner,
    sid: int,
    rev: str | None = None,
    annotations: int | None = None,
) -> Response:
    """Release as the confirmation's form does: with the revisions it shows now, or the
    ones given (``annotations`` given alone: the draft's as shown now; ``rev`` alone: no
    annotation set saved, revision 0)."""
    if rev is None:
        rev, shown = revisions(web, person, sid)
        annotations = shown if annotations is None else annotations
    return web.post(
        path(person, f"/review/{sid}/release"),
        data={"csrf_token": person.csrf, "revision": rev,
              "annotations_revision": str(annotations or 0)},
    )  # fmt: skip


def write_and_release(web: TestClient, tutor: Learner, sid: int, body: str) -> Response:
    assert claim(web, tutor, sid).status_code == 303
    assert save(web, tutor, sid, body).status_code == 303
    response = release(web, tutor, sid)
    assert response.status_code == 303, response.text
    return response


def attach(
    web: TestClient, person: Learner, sid: int, data: bytes, name: str = "feedback.pdf", **kw: Any
) -> Response:
    csrf = kw.pop("csrf", person.csrf)
    return web.post(
        path(person, f"/review/{sid}/feedback/attachment"),
        data={"csrf_token": csrf} if csrf else {},  # sent before the file
        files={"file": (name, data, "application/pdf")},
        **kw,
    )


def feedback_rows(db: Session, sid: int) -> list[Feedback]:
    db.expire_all()
    return list(db.exec(select(Feedback).where(Feedback.submission_id == sid)).all())


def claim_row(db: Session, sid: int) -> ReviewClaim | None:
    db.expire_all()
    return db.exec(select(ReviewClaim).where(ReviewClaim.submission_id == sid)).first()


def status_of(db: Session, sid: int) -> str:
    db.expire_all()
    submission = db.get(Submission, sid)
    assert submission is not None
    return submission.status


def outbox(db: Session) -> list[OutboxMessage]:
    db.expire_all()
    return list(db.exec(select(OutboxMessage).order_by(OutboxMessage.id)).all())


def mails(db: Session) -> list[OutboxMessage]:
    return [row for row in outbox(db) if row.kind == "email"]


def lms_calls(db: Session) -> list[OutboxMessage]:
    return [row for row in outbox(db) if row.kind == "lms_call"]


def text_of(response: Response) -> str:
    """The page's main content as text (tags removed, white-space collapsed)."""
    main = re.search(r"<main.*?</main>", response.text, re.S)
    html = main.group(0) if main else response.text
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())
