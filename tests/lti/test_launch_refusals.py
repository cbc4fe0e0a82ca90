"""Forged, replayed and malformed launches: each is refused with a 4xx page that names
the problem, and none of them starts a session or records anyone.

The forger is a registered platform (its key set is served over loopback HTTP); each
test varies one thing from a launch that would otherwise pass (see the baseline test).
"""

from __future__ import annotations

import time

import pytest
from fastapi.testclient import TestClient

from kurswerk.core.auth import SESSION_COOKIE
from lti.errors import all_error_classes
from lti.formbody import MAX_FORM_BYTES, MAX_ID_TOKEN_BYTES
from tests.conftest import TOOL_BASE_URL
from tests.lti.conftest import (
    FORGER_CLIENT_ID,
    assert_refused_without_session,
    consumed_states,
    post_launch,
    set_cookie_headers,
    start_login,
)
from tests.lti.forger import CLAIM, DROP, Forger


def test_baseline_forger_launch_passes(client, forger: Forger):
    """The refusals below are meaningful only because this one passes."""
    login = start_login(client)
    response = post_launch(client, forger.sign(forger.claims(login.nonce)), login.state)
    assert response.status_code == 303, response.text
    assert "kt=" in response.headers["location"]


def _refused(response, engine, key: str, status: int) -> None:
    assert_refused_without_session(response, engine, status=status)
    # The page names the problem (German by default).
    [error] = [cls for cls in all_error_classes() if cls.name == key]
    assert error.text.split("%(")[0].strip()[:25] in response.text


def _empty_identities(engine) -> None:
    from lti.models import LmsContext, Membership, PlatformUser

    with engine.begin() as connection:
        for model in (Membership, LmsContext, PlatformUser):
            connection.execute(model.__table__.delete())


# -- replay --------------------------------------------------------------------


def test_replay_in_the_same_browser_is_refused(client, forger):
    login = start_login(client)
    token = forger.sign(forger.claims(login.nonce))
    assert post_launch(client, token, login.state).status_code == 303
    replay = post_launch(client, token, login.state)
    assert replay.status_code == 403
    assert "bereits verwendet" in replay.text
    assert not any(h.startswith(SESSION_COOKIE + "=") for h in set_cookie_headers(replay))
    assert "location" not in replay.headers


def test_replay_with_the_state_cookie_still_present_is_refused(client, forger):
    login = start_login(client)
    token = forger.sign(forger.claims(login.nonce))
    cookie_name = f"__Host-lti1p3-{login.state}"
    assert post_launch(client, token, login.state).status_code == 303
    client.cookies.set(cookie_name, login.state, domain="kurswerk.test")  # kept by an attacker
    replay = post_launch(client, token, login.state)
    assert replay.status_code == 403 and "bereits verwendet" in replay.text
    assert not any(h.startswith(SESSION_COOKIE + "=") for h in set_cookie_headers(replay))


def test_replay_from_another_browser_is_refused(client, app, forger):
    login = start_login(client)
    token = forger.sign(forger.claims(login.nonce))
    assert post_launch(client, token, login.state).status_code == 303
    with TestClient(app, base_url=TOOL_BASE_URL) as other_browser:
        replay = post_launch(other_browser, token, login.state)
    assert replay.status_code == 403 and "bereits verwendet" in replay.text
    assert not any(h.startswith(SESSION_COOKIE + "=") for h in set_cookie_headers(replay))


def test_nonce_reused_with_a_fresh_state_is_refused(client, forger, engine):
    first = start_login(client)
    token = forger.sign(forger.claims(first.nonce))
    assert post_launch(client, token, first.state).status_code == 303  # the real launch
    _empty_identities(engine)  # so the check below sees only what the replay adds
    with TestClient(client.app, base_url=TOOL_BASE_URL) as attacker:
        second = start_login(attacker)  # a fresh, valid state and cookie of their own
        response = post_launch(attacker, token, second.state)
    _refused(response, engine, "replayed", 403)


def test_nonce_of_an_unused_login_with_another_state_is_refused(client, forger, engine):
    first = start_login(client)
    second = start_login(client)
    token = forger.sign(forger.claims(first.nonce))
    response = post_launch(client, token, second.state)
    _refused(response, engine, "state_mismatch", 403)
    assert consumed_states(engine) == 0


def test_wrong_nonce_is_refused(client, forger, engine):
    login = start_login(client)
    response = post_launch(client, forger.sign(forger.claims("not-our-nonce")), login.state)
    _refused(response, engine, "state_mismatch", 403)


def test_missing_nonce_is_refused(client, forger, engine):
    login = start_login(client)
    response = post_launch(client, forger.sign(forger.claims(login.nonce, nonce=DROP)), login.state)
    _refused(response, engine, "missing_claim", 400)


def test_forged_state_is_refused(client, forger, engine):
    login = start_login(client)
    forged = "forged-state-value"
    client.cookies.set(f"__Host-lti1p3-{forged}", forged, domain="kurswerk.test")
    response = post_launch(client, forger.sign(forger.claims(login.nonce)), forged)
    _refused(response, engine, "state_mismatch", 403)


def test_forged_state_without_cookie_is_refused(client, forger, engine):
    login = start_login(client)
    response = post_launch(client, forger.sign(forger.claims(login.nonce)), "made-up")
    _refused(response, engine, "state_mismatch", 403)


def test_state_cookie_with_another_value_is_refused(client, forger, engine):
    login = start_login(client)
    client.cookies.set(f"__Host-lti1p3-{login.state}", "something-else", domain="kurswerk.test")
    response = post_launch(client, forger.sign(forger.claims(login.nonce)), login.state)
    _refused(response, engine, "state_mismatch", 403)


# -- signature and keys ----------------------------------------------------------


def test_wrong_key_with_the_same_kid_is_refused(client, forger, engine):
    login = start_login(client)
    impostor = forger.other_key(forger.key.kid)
    response = post_launch(
        client, forger.sign(forger.claims(login.nonce), key=impostor), login.state
    )
    _refused(response, engine, "invalid_signature", 403)


def test_unknown_kid_is_refused(client, forger, engine):
    login = start_login(client)
    stranger = forger.other_key("kid-nobody-published")
    response = post_launch(
        client, forger.sign(forger.claims(login.nonce), key=stranger), login.state
    )
    _refused(response, engine, "unknown_key", 403)


def test_alg_none_is_refused(client, forger, engine):
    login = start_login(client)
    response = post_launch(client, forger.sign_none(forger.claims(login.nonce)), login.state)
    _refused(response, engine, "invalid_signature", 403)


def test_hs256_signed_with_the_public_key_is_refused(client, forger, engine):
    login = start_login(client)
    token = forger.sign_hs256_with_public_key(forger.claims(login.nonce))
    response = post_launch(client, token, login.state)
    _refused(response, engine, "invalid_signature", 403)


def test_tampered_payload_is_refused(client, forger, engine):
    login = start_login(client)
    token = forger.sign(forger.claims(login.nonce))
    header, _payload, signature = token.split(".")
    other_payload = forger.sign(forger.claims(login.nonce, sub="admin-user")).split(".")[1]
    response = post_launch(client, f"{header}.{other_payload}.{signature}", login.state)
    _refused(response, engine, "invalid_signature", 403)


def test_garbage_token_is_refused(client, forger, engine):
    login = start_login(client)
    response = post_launch(client, "not.a.jwt", login.state)
    _refused(response, engine, "invalid_token", 400)


# -- audience --------------------------------------------------------------------


def test_wrong_aud_is_refused(client, forger, engine):
    login = start_login(client)
    claims = forger.claims(login.nonce, aud="someone-else", azp=DROP)
    response = post_launch(client, forger.sign(claims), login.state)
    _refused(response, engine, "unknown_client_id", 400)


def test_aud_list_with_a_wrong_azp_is_refused(client, forger, engine):
    login = start_login(client)
    claims = forger.claims(login.nonce, aud=[FORGER_CLIENT_ID, "other-tool"], azp="other-tool")
    response = post_launch(client, forger.sign(claims), login.state)
    _refused(response, engine, "unknown_client_id", 400)


def test_aud_list_with_azp_outside_the_list_is_refused(client, forger, engine):
    login = start_login(client)
    claims = forger.claims(login.nonce, aud=[FORGER_CLIENT_ID, "other-tool"], azp="third")
    response = post_launch(client, forger.sign(claims), login.state)
    _refused(response, engine, "wrong_audience", 403)


def test_aud_list_without_azp_is_refused(client, forger, engine):
    login = start_login(client)
    claims = forger.claims(login.nonce, aud=[FORGER_CLIENT_ID, "other-tool"], azp=DROP)
    response = post_launch(client, forger.sign(claims), login.state)
    _refused(response, engine, "wrong_audience", 403)


def test_aud_list_with_our_azp_passes(client, forger):
    login = start_login(client)
    claims = forger.claims(login.nonce, aud=[FORGER_CLIENT_ID, "other-tool"], azp=FORGER_CLIENT_ID)
    response = post_launch(client, forger.sign(claims), login.state)
    assert response.status_code == 303, response.text


def test_azp_differing_from_a_single_aud_is_refused(client, forger, engine):
    login = start_login(client)
    claims = forger.claims(login.nonce, azp="other-tool")
    response = post_launch(client, forger.sign(claims), login.state)
    _refused(response, engine, "wrong_audience", 403)


# -- time ------------------------------------------------------------------------


def test_expired_token_is_refused(client, forger, engine, settings):
    login = start_login(client)
    now = int(time.time())
    stale = now - settings.launch_leeway_seconds - 5
    claims = forger.claims(login.nonce, iat=stale - 60, exp=stale)
    response = post_launch(client, forger.sign(claims), login.state)
    _refused(response, engine, "expired", 403)


def test_token_expired_within_the_leeway_passes(client, forger, settings):
    assert settings.launch_leeway_seconds >= 3
    login = start_login(client)
    now = int(time.time())
    claims = forger.claims(login.nonce, iat=now - 60, exp=now - 1)
    assert post_launch(client, forger.sign(claims), login.state).status_code == 303


def test_token_issued_in_the_future_is_refused(client, forger, engine, settings):
    login = start_login(client)
    later = int(time.time()) + settings.launch_leeway_seconds + 120
    claims = forger.claims(login.nonce, iat=later, exp=later + 60)
    response = post_launch(client, forger.sign(claims), login.state)
    _refused(response, engine, "issued_in_future", 403)


def test_token_without_exp_is_refused(client, forger, engine):
    login = start_login(client)
    response = post_launch(client, forger.sign(forger.claims(login.nonce, exp=DROP)), login.state)
    _refused(response, engine, "missing_claim", 400)


def test_login_state_that_expired_before_the_launch_is_refused(client, forger, engine, db):
    from datetime import timedelta

    from sqlmodel import select

    from lti.models import LoginState

    login = start_login(client)
    record = db.exec(select(LoginState).where(LoginState.state == login.state)).one()
    record.expires_at = record.created_at - timedelta(seconds=1)
    db.add(record)
    db.commit()
    response = post_launch(client, forger.sign(forger.claims(login.nonce)), login.state)
    _refused(response, engine, "expired", 403)


# -- registration, deployment, target ------------------------------------------


def test_unknown_deployment_in_the_token_is_refused(client, forger, engine):
    login = start_login(client)
    claims = forger.claims(login.nonce, **{CLAIM + "deployment_id": "not-registered"})
    response = post_launch(client, forger.sign(claims), login.state)
    _refused(response, engine, "unknown_deployment", 400)
    assert "not-registered" in response.text


def test_unknown_issuer_in_the_token_is_refused(client, forger, engine):
    login = start_login(client)
    claims = forger.claims(login.nonce, iss="https://unknown-lms.example.com")
    response = post_launch(client, forger.sign(claims), login.state)
    _refused(response, engine, "unknown_issuer", 400)
    assert "https://unknown-lms.example.com" in response.text


def test_target_link_uri_on_another_host_in_the_token_is_refused(client, forger, engine):
    login = start_login(client)
    claims = forger.claims(
        login.nonce, **{CLAIM + "target_link_uri": "https://evil.example/lti/launch"}
    )
    response = post_launch(client, forger.sign(claims), login.state)
    _refused(response, engine, "wrong_target", 400)


def test_missing_target_link_uri_in_the_token_is_refused(client, forger, engine):
    login = start_login(client)
    claims = forger.claims(login.nonce, **{CLAIM + "target_link_uri": DROP})
    response = post_launch(client, forger.sign(claims), login.state)
    _refused(response, engine, "missing_claim", 400)


# -- message -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("override", "key", "status"),
    [
        ({CLAIM + "version": "1.1.0"}, "wrong_version", 400),
        ({CLAIM + "version": DROP}, "missing_claim", 400),
        ({CLAIM + "message_type": DROP}, "missing_claim", 400),
        ({CLAIM + "message_type": "LtiSomethingNewRequest"}, "message_type", 400),
        ({CLAIM + "message_type": "LtiDeepLinkingRequest"}, "missing_claim", 400),
        ({CLAIM + "message_type": "LtiSubmissionReviewRequest"}, "missing_claim", 400),
        ({CLAIM + "resource_link": DROP}, "missing_claim", 400),
        ({CLAIM + "resource_link": {"title": "no id"}}, "missing_claim", 400),
        ({CLAIM + "roles": DROP}, "missing_claim", 400),
        ({CLAIM + "roles": "Learner"}, "invalid_claim", 400),
        ({CLAIM + "context": DROP}, "missing_context", 400),
        ({CLAIM + "context": {"title": "no id"}}, "invalid_claim", 400),
        ({"sub": DROP}, "missing_claim", 400),
        ({"sub": "x" * 256}, "invalid_claim", 400),
        ({CLAIM + "deployment_id": DROP}, "missing_claim", 400),
    ],
    ids=[
        "wrong-version",
        "missing-version",
        "missing-message-type",
        "unknown-message-type",
        "deep-linking-without-settings",
        "submission-review-without-for-user",
        "missing-resource-link",
        "resource-link-without-id",
        "missing-roles",
        "roles-not-a-list",
        "missing-context",
        "context-without-id",
        "missing-sub",
        "sub-too-long",
        "missing-deployment-id",
    ],
)
def test_invalid_message_is_refused(client, forger, engine, override, key, status):
    login = start_login(client)
    response = post_launch(client, forger.sign(forger.claims(login.nonce, **override)), login.state)
    _refused(response, engine, key, status)
    assert consumed_states(engine) == 0  # a refused message does not burn the login


def test_missing_context_page_says_a_course_is_needed(client, forger, engine):
    login = start_login(client)
    claims = forger.claims(login.nonce, **{CLAIM + "context": DROP})
    response = post_launch(client, forger.sign(claims), login.state)
    assert response.status_code == 400
    assert "nicht aus einem Kurs" in response.text
    assert "Kursaktivität" in response.text


def test_empty_roles_mean_learner(client, forger, app):
    login = start_login(client)
    claims = forger.claims(login.nonce, **{CLAIM + "roles": []})
    response = post_launch(client, forger.sign(claims), login.state)
    assert response.status_code == 303


# -- form ----------------------------------------------------------------------------


def test_oversize_id_token_is_refused_with_413(client, forger, engine):
    login = start_login(client)
    response = post_launch(client, "a" * (MAX_ID_TOKEN_BYTES + 1), login.state)
    _refused(response, engine, "too_large", 413)


def test_id_token_just_below_the_cap_is_read_and_judged(client, forger, engine):
    login = start_login(client)
    response = post_launch(client, "a" * MAX_ID_TOKEN_BYTES, login.state)
    _refused(response, engine, "invalid_token", 400)


def test_a_body_over_the_launch_cap_is_refused_with_413(client, forger, engine):
    """The launch's own cap (``lti.formbody``), well below the app-wide form cap."""
    login = start_login(client)
    response = post_launch(client, "a" * (4 * MAX_FORM_BYTES), login.state)
    _refused(response, engine, "too_large", 413)


def test_a_huge_body_is_refused_by_the_app_wide_form_cap(client, forger, engine, settings):
    login = start_login(client)
    response = post_launch(client, "a" * (settings.max_form_bytes + 1), login.state)
    assert_refused_without_session(response, engine, status=413)
    assert "Die Anfrage ist zu groß" in response.text


def test_launch_without_fields_is_refused(client, forger, engine):
    response = client.post("/lti/launch", data={}, follow_redirects=False)
    _refused(response, engine, "missing_parameters", 400)


def test_launch_as_json_is_refused(client, forger, engine):
    login = start_login(client)
    response = client.post(
        "/lti/launch", json={"id_token": "x", "state": login.state}, follow_redirects=False
    )
    _refused(response, engine, "bad_form", 400)


def test_no_stack_trace_on_refusals(client, forger):
    login = start_login(client)
    response = post_launch(client, forger.sign_none(forger.claims(login.nonce)), login.state)
    assert "Traceback" not in response.text and "Exception" not in response.text
