"""The OIDC auth endpoint answers a tool's authentication request the way the LTI
Security Framework (§5.1.1) and OAuth 2.0 (RFC 6749 §4.1.2.1) say: never redirect to an
unregistered redirect_uri or for an unknown client, post every other error back."""

from __future__ import annotations

import pytest

from tests.devplatform.conftest import auth_params, auth_url, start_launch
from tests.devplatform.forms import parse


def _answer(sim, params):
    response = sim.get(auth_url(params))
    return response, parse(response.text).forms


def test_good_request_posts_id_token_and_state_to_the_redirect_uri(sim, sim_config):
    params = auth_params(sim_config, start_launch(sim))
    response, (form,) = _answer(sim, params)

    assert response.status_code == 200
    assert form.method == "post"
    assert form.action == "http://127.0.0.1:9000/lti/launch"
    assert set(form.fields) == {"id_token", "state"}
    assert form.fields["state"] == "state-from-the-tool"
    assert form.fields["id_token"].count(".") == 2
    assert "no-store" in response.headers["cache-control"]


def test_auth_request_may_come_as_a_form_post(sim, sim_config):
    params = auth_params(sim_config, start_launch(sim))
    response = sim.post("/auth", data=params)
    (form,) = parse(response.text).forms
    assert set(form.fields) == {"id_token", "state"}


@pytest.mark.parametrize(
    "redirect_uri",
    [
        "https://attacker.example/steal",
        "http://127.0.0.1:9000/lti/launch/../../evil",
        "http://127.0.0.1:9000/lti/launch?x=1",
        "http://127.0.0.1:9001/lti/launch",
        "",
    ],
)
def test_unregistered_redirect_uri_is_answered_with_a_page_not_a_redirect(
    sim, sim_config, redirect_uri
):
    params = auth_params(sim_config, start_launch(sim), redirect_uri=redirect_uri)
    response, forms = _answer(sim, params)

    assert response.status_code == 400
    assert forms == []
    assert "id_token" not in response.text
    assert "location" not in response.headers


@pytest.mark.parametrize("client_id", ["someone-else", "", "kurswerk-demo "])
def test_wrong_client_id_is_answered_with_a_page_not_a_redirect(sim, sim_config, client_id):
    params = auth_params(sim_config, start_launch(sim), client_id=client_id)
    response, forms = _answer(sim, params)

    assert response.status_code == 400
    assert forms == []
    assert "location" not in response.headers


def test_refusal_page_escapes_what_the_request_sent(sim, sim_config):
    params = auth_params(sim_config, start_launch(sim), client_id="<script>alert(1)</script>")
    response = sim.get(auth_url(params))
    assert "<script>alert(1)</script>" not in response.text
    assert "&lt;script&gt;" in response.text


def _error_posted(sim, params) -> dict[str, str]:
    response, (form,) = _answer(sim, params)
    assert response.status_code == 200
    assert form.action == "http://127.0.0.1:9000/lti/launch"
    assert "id_token" not in form.fields
    return form.fields


@pytest.mark.parametrize(
    ("override", "error"),
    [
        ({"response_type": "code"}, "unsupported_response_type"),
        ({"response_type": "id_token token"}, "unsupported_response_type"),
        ({"scope": "openid profile"}, "invalid_scope"),
        ({"scope": "email"}, "invalid_scope"),
        ({"response_mode": "fragment"}, "invalid_request"),
        ({"response_mode": None}, "invalid_request"),
        ({"prompt": "login"}, "invalid_request"),
        ({"prompt": None}, "invalid_request"),
        ({"nonce": None}, "invalid_request"),
        ({"scope": None}, "invalid_request"),
        ({"login_hint": None}, "invalid_request"),
        ({"lti_message_hint": None}, "invalid_request"),
    ],
)
def test_bad_request_is_posted_back_as_an_oidc_error_with_state(sim, sim_config, override, error):
    fields = _error_posted(sim, auth_params(sim_config, start_launch(sim), **override))
    assert fields["error"] == error
    assert fields["error_description"]
    assert fields["state"] == "state-from-the-tool"


def test_login_hint_of_another_person_is_denied(sim, sim_config):
    login = start_launch(sim, "lena")
    ada = sim_config.person("ada")
    fields = _error_posted(sim, auth_params(sim_config, login, login_hint=ada.sub))
    assert fields["error"] == "access_denied"


def test_unknown_login_hint_is_denied(sim, sim_config):
    fields = _error_posted(sim, auth_params(sim_config, start_launch(sim), login_hint="9999"))
    assert fields["error"] == "access_denied"


def test_message_hint_the_simulator_never_issued_needs_a_login(sim, sim_config):
    params = auth_params(sim_config, start_launch(sim), lti_message_hint="forged-hint")
    assert _error_posted(sim, params)["error"] == "login_required"


def test_message_hint_works_once(sim, sim_config):
    params = auth_params(sim_config, start_launch(sim))
    _, (first,) = _answer(sim, params)
    assert "id_token" in first.fields

    replay = _error_posted(sim, params)
    assert replay["error"] == "login_required"


def test_error_without_state_posts_no_state(sim, sim_config):
    params = auth_params(sim_config, start_launch(sim), state=None, scope="profile")
    fields = _error_posted(sim, params)
    assert "state" not in fields
