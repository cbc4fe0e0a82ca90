"""Sessions over HTTP: a foreign link never switches the signed-in person, page tokens and
cookies are typed, every page says who is signed in, and logging out ends the session.

"Lena" is ``people.anna`` (her page URLs carry her page token), "Carla" is ``people.ben``
(she holds her own session cookie in her browser).
"""

from __future__ import annotations

import time
from dataclasses import replace

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from course.questions.models import LecturerQuestion
from kurswerk.core.auth import SESSION_COOKIE, SESSION_HEADER
from lti.models import LmsContext, Membership, Platform
from tests.course.html_tools import parse
from tests.course.test_forum_helpers import People, lesson_path, people, web
from tests.support.people import Learner

__all__ = ["people", "web"]

QUESTION = {"subject": "Private Frage", "body": "Ich traue mich nicht, das im Forum zu fragen."}


def _cookie_of(app: FastAPI, person: Learner) -> str:
    return app.state.session_codec.issue_cookie(person.principal)


def _questions(db: Session) -> list[LecturerQuestion]:
    db.expire_all()
    return list(db.exec(select(LecturerQuestion)).all())


def _in_other_course(db: Session, app: FastAPI, person: Learner) -> Learner:
    """The same person, launched from a second LMS course of the same platform."""
    context = LmsContext(platform_id=person.principal.platform_id, lms_context_id="course-b")
    db.add(context)
    db.flush()
    assert context.id is not None
    db.add(Membership(user_id=person.principal.user_id, context_id=context.id, role="learner"))
    db.commit()
    codec = app.state.session_codec
    principal = replace(person.principal, context_id=context.id, sid=codec.new_sid())
    return Learner(principal, codec.issue(principal), codec.csrf_token(principal))


# --- A foreign link never switches the signed-in person ------------------------------


def test_lenas_link_in_carlas_browser_stores_nothing_as_lena(
    web: TestClient, app: FastAPI, people: People, db: Session
):
    lena, carla = people.anna, people.ben
    web.cookies.set(SESSION_COOKIE, _cookie_of(app, carla))
    # Carla opens Lena's page URL and sends the question form as that page has it.
    response = web.post(
        lena.url(lesson_path(lena, "/ask")), data={"csrf_token": lena.csrf, **QUESTION}
    )
    assert response.status_code == 409
    assert _questions(db) == []  # not as Lena's, and not at all
    # The same attack with the token in the header, as a fetch would send it.
    response = web.post(
        lesson_path(lena, "/ask"),
        data={"csrf_token": lena.csrf, **QUESTION},
        headers={SESSION_HEADER: lena.token},
    )
    assert response.status_code == 409 and _questions(db) == []


def test_the_refusal_names_the_signed_in_person_in_their_language(
    web: TestClient, app: FastAPI, people: People, db: Session, make_learner
):
    context = db.get(LmsContext, people.context_id)
    carla = make_learner(context=context, name="Carla Castro", locale="en")
    web.cookies.set(SESSION_COOKIE, _cookie_of(app, carla))
    response = web.get(people.anna.url(lesson_path(people.anna)))
    assert response.status_code == 409
    text = parse(response.text).find("main").clean_text  # the message, not the header
    assert "You opened another person's link" in text and "as Carla Castro" in text
    assert "open Kurswerk again from your course in the LMS" in text
    back = parse(response.text).find("a", cls="button")  # to Carla's own LMS
    issuer = db.get(Platform, carla.principal.platform_id).issuer  # type: ignore[union-attr]
    assert (back.attrs["href"], back.clean_text) == (issuer, "Back to the LMS")
    assert "Anna Andersen" not in text
    assert people.anna.token not in response.text  # no link of the page carries Lena's token


def test_the_same_person_in_another_course_keeps_working(
    web: TestClient, app: FastAPI, people: People, db: Session
):
    lena = people.anna
    lena_b = _in_other_course(db, app, lena)
    web.cookies.set(SESSION_COOKIE, _cookie_of(app, lena))  # the cookie is course A's
    assert web.get(lena_b.url(f"/c/{lena_b.context_id}/questions")).status_code == 200
    response = web.post(
        lena.url(lesson_path(lena, "/ask")), data={"csrf_token": lena.csrf, **QUESTION}
    )
    assert response.status_code == 303
    [question] = _questions(db)
    assert question.asker_id == lena.principal.user_id


# --- Typed tokens ---------------------------------------------------------------------


def test_an_expired_page_token_is_refused_as_the_session_cookie(
    web: TestClient, app: FastAPI, people: People, monkeypatch
):
    codec = app.state.session_codec
    page_token = people.anna.token
    three_hours = time.time() + 3 * 3600  # older than the page token's 2 h, within 8 h
    monkeypatch.setattr("itsdangerous.timed.time.time", lambda: three_hours)
    assert codec.page_ttl < 3 * 3600 < codec.cookie_ttl
    web.cookies.set(SESSION_COOKIE, page_token)
    assert web.get(lesson_path(people.anna)).status_code == 401
    # ... while a real cookie of the same age still works.
    web.cookies.set(SESSION_COOKIE, _cookie_of(app, people.anna))
    assert web.get(lesson_path(people.anna)).status_code == 200


def test_a_cookie_value_is_refused_as_a_page_token(web: TestClient, app: FastAPI, people: People):
    cookie = _cookie_of(app, people.anna)
    assert web.get(f"{lesson_path(people.anna)}?kt={cookie}").status_code == 401
    response = web.get(lesson_path(people.anna), headers={SESSION_HEADER: cookie})
    assert response.status_code == 401


# --- Who is signed in -----------------------------------------------------------------


def test_every_page_names_who_is_signed_in_and_their_role(
    web: TestClient, people: People, db: Session, make_learner
):
    page = parse(web.get(people.tina.url(lesson_path(people.tina))).text)
    assert page.find(cls="session-info__who").clean_text == "Angemeldet als Tina Tutor (Tutor:in)"
    context = db.get(LmsContext, people.context_id)
    nameless = make_learner(context=context, name=" ", locale="en")
    nameless_page = parse(web.get(nameless.url(lesson_path(nameless))).text)
    who = nameless_page.find(cls="session-info__who").clean_text
    assert who == "Signed in as person without a name (Learner)"


# --- Logging out ----------------------------------------------------------------------


def _logout(web: TestClient, person: Learner) -> object:
    return web.post(person.url("/session/logout"), data={"csrf_token": person.csrf})


def test_logout_ends_the_cookie_and_the_page_tokens_of_the_session(
    web: TestClient, app: FastAPI, people: People, db: Session
):
    lena = people.anna
    cookie = _cookie_of(app, lena)
    web.cookies.set(SESSION_COOKIE, cookie)
    page = parse(web.get(lesson_path(lena)).text)
    page.find("form", cls="session-info__logout")
    response = _logout(web, lena)
    assert response.status_code == 303  # type: ignore[attr-defined]
    assert f'{SESSION_COOKIE}=""' in response.headers["set-cookie"] or (  # type: ignore[attr-defined]
        f"{SESSION_COOKIE}=;" in response.headers["set-cookie"]  # type: ignore[attr-defined]
    )
    signed_out = web.get(response.headers["location"])  # type: ignore[attr-defined]
    assert "Sie sind von Kurswerk abgemeldet" in signed_out.text
    assert "im LMS" in signed_out.text
    back = parse(signed_out.text).find("a", cls="button")
    issuer = db.get(Platform, lena.principal.platform_id).issuer  # type: ignore[union-attr]
    assert (back.attrs["href"], back.clean_text) == (issuer, "Zurück zum LMS")
    assert "Abmelden" not in signed_out.text  # nobody is signed in any more
    # The old cookie and the old page token (still in tabs and history) are dead.
    web.cookies.clear()
    web.cookies.set(SESSION_COOKIE, cookie)
    assert web.get(lesson_path(lena)).status_code == 401
    web.cookies.clear()
    assert web.get(lena.url(lesson_path(lena))).status_code == 401


def test_logout_needs_the_csrf_token(web: TestClient, people: People):
    response = web.post(people.anna.url("/session/logout"), data={"csrf_token": "wrong"})
    assert response.status_code == 403
    assert web.get(people.anna.url(lesson_path(people.anna))).status_code == 200


def test_logout_ends_only_this_session_not_the_one_in_another_course(
    web: TestClient, app: FastAPI, people: People, db: Session
):
    lena = people.anna
    lena_b = _in_other_course(db, app, lena)
    _logout(web, lena)
    assert web.get(lena.url(lesson_path(lena))).status_code == 401
    assert web.get(lena_b.url(f"/c/{lena_b.context_id}/questions")).status_code == 200
