"""The simulator's launch styles: a Moodle-like single-use JSON hint with a launch URL of
its own that starts a fresh launch, and Canvas-like platform storage (LTI client-side
postMessages)."""

from __future__ import annotations

import json
from dataclasses import replace
from urllib.parse import urlencode

import pytest
from fastapi.testclient import TestClient

from kurswerk.core.settings import Settings
from kurswerk.devplatform.app import create_simulator
from kurswerk.devplatform.config import SimulatorConfig
from kurswerk.devplatform.keys import SigningKey
from kurswerk.devplatform.routes.launch import PERSON_COOKIE
from tests.devplatform.conftest import auth_params, start_launch
from tests.devplatform.forms import only_form, parse


def _simulator(config: SimulatorConfig, key: SigningKey, style: str) -> TestClient:
    styled = replace(config, launch_style=style)
    app = create_simulator(styled, settings=Settings(env="test"), key=key)
    return TestClient(app, base_url=styled.issuer)


@pytest.fixture
def moodle(sim_config, sim_key):
    with _simulator(sim_config, sim_key, "moodle") as client:
        yield client


@pytest.fixture
def canvas(sim_config, sim_key):
    with _simulator(sim_config, sim_key, "canvas") as client:
        yield client


def test_an_unknown_launch_style_is_refused(sim_config):
    with pytest.raises(ValueError, match="launch_style"):
        replace(sim_config, launch_style="blackboard")


def test_moodle_hint_is_json_with_the_activity_and_a_launch_id(moodle):
    hint = json.loads(start_launch(moodle).fields["lti_message_hint"])
    assert hint["cmid"] == 1  # the course's first activity
    assert isinstance(hint["launchid"], str) and len(hint["launchid"]) >= 20


def test_moodle_deep_linking_hint_names_no_activity(moodle):
    response = moodle.get("/launch/tom?purpose=deep-link")
    hint = json.loads(only_form(response.text).fields["lti_message_hint"])
    assert "cmid" not in hint and hint["launchid"]


def test_moodle_auth_endpoint_is_moodles_path(moodle):
    assert moodle.app.state.config.auth_url.endswith("/mod/lti/auth.php")


def test_a_second_login_with_the_same_moodle_hint_ends_on_invalid_request(moodle):
    config = moodle.app.state.config
    login = start_launch(moodle)
    first = moodle.get("/mod/lti/auth.php?" + urlencode(auth_params(config, login)))
    assert only_form(first.text).fields.keys() >= {"id_token", "state"}
    again = moodle.get("/mod/lti/auth.php?" + urlencode(auth_params(config, login)))
    assert again.status_code == 400
    assert "Ungültige Anfrage" in again.text
    assert parse(again.text).forms == []  # nothing is posted to the tool


def test_moodle_launch_url_starts_a_fresh_launch_for_the_person_logged_in(moodle):
    moodle.get("/?person=lena")  # the course page remembers who is logged in
    assert moodle.cookies.get(PERSON_COOKIE) == "lena"
    used = start_launch(moodle).fields["lti_message_hint"]
    response = moodle.get("/mod/lti/launch.php?id=1")
    form = only_form(response.text)
    assert form.action.endswith("/lti/login")
    hint = json.loads(form.fields["lti_message_hint"])
    assert hint["cmid"] == 1 and hint["launchid"] != json.loads(used)["launchid"]
    assert form.fields["login_hint"] == moodle.app.state.config.person("lena").sub
    config = moodle.app.state.config
    answer = moodle.get("/mod/lti/auth.php?" + urlencode(auth_params(config, form)))
    assert "id_token" in only_form(answer.text).fields


def test_moodle_launch_url_needs_a_login_and_a_known_activity(moodle):
    assert moodle.get("/mod/lti/launch.php?id=1").status_code == 403
    moodle.get("/?person=lena")
    assert moodle.get("/mod/lti/launch.php?id=99").status_code == 404


def test_other_styles_have_no_moodle_launch_url(sim):
    sim.get("/?person=lena")
    assert sim.get("/mod/lti/launch.php?id=1").status_code == 404


def test_canvas_login_names_the_storage_frame_the_course_page_holds(canvas):
    login = start_launch(canvas)
    assert login.fields["lti_storage_target"] == "post_message_forwarding"
    page = canvas.get("/?person=lena").text
    assert 'name="post_message_forwarding" src="/post_message_forwarding"' in page
    frame = canvas.get("/post_message_forwarding")
    assert '<script src="/static/platform_storage.js"></script>' in frame.text
    script = canvas.get("/static/platform_storage.js").text
    for subject in ("lti.capabilities", "lti.put_data", "lti.get_data"):
        assert subject in script


def test_plain_style_sends_no_storage_target_and_an_opaque_hint(sim):
    login = start_launch(sim)
    assert "lti_storage_target" not in login.fields
    with pytest.raises(ValueError):
        json.loads(login.fields["lti_message_hint"])
    assert 'name="post_message_forwarding"' not in sim.get("/?person=lena").text


def test_kurswerk_demo_chooses_the_simulators_launch_style(monkeypatch):
    from kurswerk import cli
    from kurswerk.devplatform import demo

    calls: list[dict[str, object]] = []
    monkeypatch.setattr(demo, "run", lambda **kwargs: calls.append(kwargs) or 0)
    assert cli.main(["demo", "--lms-style", "canvas"]) == 0
    assert cli.main(["demo"]) == 0
    assert [call["launch_style"] for call in calls] == ["canvas", "plain"]
    with pytest.raises(SystemExit):
        cli.main(["demo", "--lms-style", "blackboard"])
