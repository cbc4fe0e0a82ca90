"""A language chosen in the tool sticks: the language switch stores it with the person,
later launches keep it whatever the LMS's ``launch_presentation.locale`` says, and a
person who never chose still follows the claim. (The mails that read the stored value:
``tests/uploads/test_submission_mail_locale.py``.)"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from kurswerk.core.auth import SESSION_QUERY, Principal, Role, SessionCodec
from lti import identities
from lti.models import PlatformUser
from tests.lti.conftest import run_flow


def _session(app, response: httpx.Response) -> tuple[Principal, str]:
    """The principal and token of the session a launch or a switch answered with."""
    assert response.status_code == 303, response.text
    token = parse_qs(urlsplit(response.headers["location"]).query)[SESSION_QUERY][0]
    principal = app.state.session_codec.read_page_token(token)
    assert principal is not None
    return principal, token


def _launch(client: TestClient, peer, app, *, locale: str | None, **kwargs) -> Principal:
    _login, launch = run_flow(client, peer, locale=locale, **kwargs)
    return _session(app, launch)[0]


def _switch(
    client: TestClient, app, principal: Principal, locale: str, *, csrf: str | None = None
) -> httpx.Response:
    codec: SessionCodec = app.state.session_codec
    return client.post(
        "/session/locale",
        params={SESSION_QUERY: codec.issue(principal)},
        data={
            "locale": locale,
            "csrf_token": codec.csrf_token(principal) if csrf is None else csrf,
            "next": f"/c/{principal.context_id}/",
        },
        follow_redirects=False,
    )


def _stored(db: Session) -> PlatformUser:
    db.expire_all()
    return db.exec(select(PlatformUser)).one()


def test_switching_to_english_stores_it_as_the_persons_choice(client, peer, app, db):
    principal = _launch(client, peer, app, locale="de-DE")
    assert principal.locale == "de"

    switched = _switch(client, app, principal, "en")
    assert _session(app, switched)[0].locale == "en"
    user = _stored(db)
    assert user.locale == "en"
    assert user.locale_chosen_at is not None


def test_a_switch_with_a_missing_or_wrong_csrf_token_stores_nothing(client, peer, app, db):
    principal = _launch(client, peer, app, locale="de-DE")
    for csrf in ("", "0" * 64):
        refused = _switch(client, app, principal, "en", csrf=csrf)
        assert refused.status_code == 403
        assert "Formular ist abgelaufen" in refused.text
    user = _stored(db)
    assert (user.locale, user.locale_chosen_at) == ("de-DE", None)


def test_a_later_launch_in_german_keeps_the_chosen_english(client, peer, app, db):
    _switch(client, app, _launch(client, peer, app, locale="de-DE"), "en")

    again = _launch(client, peer, app, locale="de-DE", name="Erika Neu")
    assert again.locale == "en"
    user = _stored(db)
    assert user.locale == "en" and user.locale_chosen_at is not None
    assert user.name == "Erika Neu"  # the launch's other claims are still recorded
    assert again.name == "Erika Neu"


def test_a_chosen_language_also_outlasts_a_launch_without_a_locale_claim(client, peer, app, db):
    _switch(client, app, _launch(client, peer, app, locale="de-DE"), "en")
    assert _launch(client, peer, app, locale=None).locale == "en"
    assert _stored(db).locale == "en"


def test_choosing_german_against_an_english_lms_sticks_as_well(client, peer, app, db):
    _switch(client, app, _launch(client, peer, app, locale="en-US"), "de")
    assert _launch(client, peer, app, locale="en-US").locale == "de"
    assert _stored(db).locale == "de"


def test_who_never_chose_keeps_following_the_lms(client, peer, app, db):
    assert _launch(client, peer, app, locale="en-US").locale == "en"
    assert _stored(db).locale == "en-US"
    assert _launch(client, peer, app, locale="de-DE").locale == "de"
    user = _stored(db)
    assert (user.locale, user.locale_chosen_at) == ("de-DE", None)
    assert _launch(client, peer, app, locale=None).locale == "de"  # German by default


def test_a_choice_is_the_persons_own_not_their_neighbours(client, peer, app, db):
    erika = _launch(client, peer, app, locale="de-DE", user_id="erika")
    _launch(client, peer, app, locale="de-DE", user_id="max")
    client.cookies.clear()  # Erika's own browser: Max's cookie is not in it
    _switch(client, app, erika, "en")
    assert _launch(client, peer, app, locale="de-DE", user_id="max").locale == "de"
    db.expire_all()
    locales = {u.sub: u.locale for u in db.exec(select(PlatformUser)).all()}
    assert locales == {"erika": "en", "max": "de-DE"}


def test_a_language_kurswerk_does_not_speak_stores_nothing(client, peer, app, db):
    principal = _launch(client, peer, app, locale="de-DE")
    switched = _switch(client, app, principal, "xx")
    assert _session(app, switched)[0].locale == "de"  # as before: German
    user = _stored(db)
    assert (user.locale, user.locale_chosen_at) == ("de-DE", None)


def test_a_session_for_an_unknown_or_foreign_user_stores_nothing(client, peer, app, db):
    real = _launch(client, peer, app, locale="de-DE")
    unknown = Principal(
        user_id=real.user_id + 1000,
        context_id=real.context_id,
        platform_id=real.platform_id,
        role=Role.LEARNER,
        sid="sid-unknown",
    )
    foreign = Principal(
        user_id=real.user_id,
        context_id=real.context_id,
        platform_id=real.platform_id + 1000,
        role=Role.LEARNER,
        sid="sid-foreign",
    )
    for principal in (unknown, foreign):
        client.cookies.clear()  # the page token alone: another person's cookie refuses it
        assert _session(app, _switch(client, app, principal, "en"))[0].locale == "en"
    assert identities.remember_chosen_locale(db, unknown, "en") is False
    assert identities.remember_chosen_locale(db, foreign, "en") is False
    db.rollback()
    user = _stored(db)
    assert (user.locale, user.locale_chosen_at) == ("de-DE", None)


def test_a_launch_naming_no_language_starts_in_the_deployments_default(settings, engine, peer, db):
    """``KURSWERK_DEFAULT_LOCALE`` is the UI language when the launch names none we speak."""
    from kurswerk.app import create_app
    from tests.conftest import TOOL_BASE_URL

    english = create_app(settings.model_copy(update={"default_locale": "en"}))
    with TestClient(english, base_url=TOOL_BASE_URL) as client:
        assert _launch(client, peer, english, locale=None).locale == "en"
        assert _launch(client, peer, english, locale="fr-FR").locale == "en"
        assert _launch(client, peer, english, locale="de-DE").locale == "de"
    english.state.engine.dispose()
