"""The simulator's LTI Advantage endpoints on their own: what a tool meets at the platform
(AGS line items and scores, NRPS pages, deep-linking answers, dynamic registration), and
what it refuses."""

from __future__ import annotations

import time
import uuid

import jwt
import pytest

from kurswerk.core.settings import Settings
from kurswerk.devplatform.app import create_simulator
from kurswerk.devplatform.config import (
    SCOPE_LINEITEM,
    SCOPE_LINEITEM_READONLY,
    SCOPE_MEMBERSHIPS,
    SCOPE_SCORE,
)
from kurswerk.devplatform.keys import SigningKey
from kurswerk.devplatform.services import SCORE_TYPE

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
DL = "https://purl.imsglobal.org/spec/lti-dl/claim/"


def _bearer(sim, *scopes: str) -> dict[str, str]:
    return {"Authorization": "Bearer " + sim.app.state.tokens.issue(frozenset(scopes))}


def _score(**overrides):
    body = {
        "userId": "2001",
        "activityProgress": "Submitted",
        "gradingProgress": "PendingManual",
        "timestamp": "2026-11-22T10:00:00.000+00:00",
    }
    body.update(overrides)
    return {k: v for k, v in body.items() if v is not None}


def _post_score(sim, line_item_id: str, body, content_type=SCORE_TYPE, scopes=(SCOPE_SCORE,)):
    return sim.post(
        f"/ags/lineitems/{line_item_id}/scores",
        content=__import__("json").dumps(body),
        headers={**_bearer(sim, *scopes), "Content-Type": content_type},
    )


@pytest.fixture
def column(sim):
    created = sim.post(
        "/ags/lineitems",
        json={"label": "Übung", "scoreMaximum": 1, "resourceId": "exercise:1", "tag": "k"},
        headers=_bearer(sim, SCOPE_LINEITEM),
    )
    assert created.status_code == 201
    return created.json()["id"].rsplit("/", 1)[1]


def test_line_items_are_created_listed_and_filtered(sim, sim_config, column):
    listed = sim.get("/ags/lineitems", headers=_bearer(sim, SCOPE_LINEITEM_READONLY))
    assert listed.status_code == 200
    assert listed.headers["content-type"].startswith(
        "application/vnd.ims.lis.v2.lineitemcontainer+json"
    )
    [item] = listed.json()
    assert item == {
        "id": sim_config.lineitem_url(column),
        "label": "Übung",
        "scoreMaximum": 1.0,
        "resourceId": "exercise:1",
        "tag": "k",
    }
    none = sim.get(
        "/ags/lineitems", params={"resource_id": "other"}, headers=_bearer(sim, SCOPE_LINEITEM)
    )
    assert none.json() == []


@pytest.mark.parametrize(
    ("headers", "status"),
    [({}, 401), ({"Authorization": "Bearer made-up"}, 401), ({"Authorization": "Basic x"}, 401)],
)
def test_services_need_a_valid_bearer_token(sim, headers, status):
    assert sim.get("/ags/lineitems", headers=headers).status_code == status
    assert sim.get("/nrps/memberships", headers=headers).status_code == status


def test_each_service_needs_its_scope(sim, column):
    assert sim.get("/ags/lineitems", headers=_bearer(sim, SCOPE_SCORE)).status_code == 403
    created = sim.post(
        "/ags/lineitems",
        json={"label": "x", "scoreMaximum": 1},
        headers=_bearer(sim, SCOPE_LINEITEM_READONLY),
    )
    assert created.status_code == 403
    assert _post_score(sim, column, _score(), scopes=(SCOPE_LINEITEM,)).status_code == 403
    assert sim.get("/nrps/memberships", headers=_bearer(sim, SCOPE_SCORE)).status_code == 403


@pytest.mark.parametrize(
    "body",
    [{"scoreMaximum": 1}, {"label": "x", "scoreMaximum": 0}, {"label": "x", "scoreMaximum": True}],
)
def test_bad_line_items_are_refused(sim, body):
    answer = sim.post("/ags/lineitems", json=body, headers=_bearer(sim, SCOPE_LINEITEM))
    assert answer.status_code == 400


def test_scores_are_kept_latest_first_and_repeats_are_counted(sim, column):
    state = sim.app.state.course
    assert _post_score(sim, column, _score()).status_code == 200
    assert _post_score(sim, column, _score()).status_code == 200  # same timestamp: a repeat
    assert state.duplicate_scores == 1
    later = _score(
        activityProgress="Completed",
        gradingProgress="FullyGraded",
        scoreGiven=1,
        scoreMaximum=1,
        comment="Gut.",
        timestamp="2026-11-22T11:00:00.000Z",
    )
    assert _post_score(sim, column, later).status_code == 200
    older = _score(timestamp="2026-11-22T09:00:00.000+00:00")
    assert _post_score(sim, column, older).status_code == 409
    kept = state.scores[(column, "2001")]
    assert (kept.grading_progress, kept.comment, kept.score_given) == ("FullyGraded", "Gut.", 1.0)
    assert len(state.score_log) == 2


@pytest.mark.parametrize(
    "body",
    [
        _score(userId="9999"),
        _score(activityProgress="Done"),
        _score(gradingProgress=None),
        _score(timestamp="yesterday"),
        _score(timestamp="2026-11-22T10:00:00"),  # no time zone
        _score(scoreGiven=1),
        _score(scoreGiven=1, scoreMaximum=0),
        _score(comment=5),
        ["not", "an", "object"],
    ],
)
def test_bad_scores_are_refused(sim, column, body):
    assert _post_score(sim, column, body).status_code == 400


def test_a_score_needs_the_score_media_type_and_a_known_column(sim, column):
    assert _post_score(sim, column, _score(), content_type="application/json").status_code == 415
    assert _post_score(sim, "999", _score()).status_code == 404


def test_the_roster_pages_with_a_link_header(sim, sim_config):
    first = sim.get("/nrps/memberships", headers=_bearer(sim, SCOPE_MEMBERSHIPS))
    assert first.status_code == 200
    assert first.headers["content-type"].startswith(
        "application/vnd.ims.lti-nrps.v2.membershipcontainer+json"
    )
    subs = [person.sub for person in sim_config.people]
    assert len(subs) == 4  # two full pages of two
    assert [m["user_id"] for m in first.json()["members"]] == subs[:2]
    assert first.headers["link"] == f'<{sim_config.memberships_url}?page=2>; rel="next"'
    second = sim.get("/nrps/memberships?page=2", headers=_bearer(sim, SCOPE_MEMBERSHIPS))
    assert [m["user_id"] for m in second.json()["members"]] == subs[2:]
    assert "link" not in second.headers
    assert second.json()["members"][0]["roles"] == ["Instructor"]  # context roles, short
    bad = sim.get("/nrps/memberships?page=7", headers=_bearer(sim, SCOPE_MEMBERSHIPS))
    assert bad.status_code == 400


def test_faults_answer_before_anything_is_done(sim, column):
    faults = sim.app.state.course.faults
    faults.fail_next["scores"] = [503]
    assert _post_score(sim, column, _score()).status_code == 503
    assert sim.app.state.course.score_log == []
    assert _post_score(sim, column, _score()).status_code == 200


# --- deep-linking answers -----------------------------------------------------------------


class StaticToolKeys:
    def __init__(self, key: SigningKey) -> None:
        self.jwks = jwt.PyJWKSet.from_dict(key.jwks())

    def key_for(self, assertion: str):
        return self.jwks[jwt.get_unverified_header(assertion)["kid"]].key


@pytest.fixture
def tool_key() -> SigningKey:
    return SigningKey.generate()


@pytest.fixture
def dl_sim(sim_config, sim_key, tool_key):
    from fastapi.testclient import TestClient

    app = create_simulator(
        sim_config, settings=Settings(env="test"), key=sim_key, tool_keys=StaticToolKeys(tool_key)
    )
    with TestClient(app, base_url=sim_config.issuer) as client:
        yield client


def _answer(sim_config, key: SigningKey, data, items=None, **overrides) -> str:
    now = int(time.time())
    claims = {
        "iss": sim_config.client_id,
        "aud": sim_config.issuer,
        "iat": now,
        "exp": now + 300,
        "nonce": uuid.uuid4().hex,
        LTI + "deployment_id": sim_config.deployment_id,
        LTI + "message_type": "LtiDeepLinkingResponse",
        LTI + "version": "1.3.0",
        DL + "content_items": items
        if items is not None
        else [
            {
                "type": "ltiResourceLink",
                "title": "Lektion",
                "url": sim_config.tool_launch_url,
                "custom": {"kurswerk_target": "lessons/x"},
                "lineItem": {"scoreMaximum": 1, "label": "Spalte", "resourceId": "r"},
            }
        ],
        DL + "data": data,
    }
    claims.update(overrides)
    return key.sign({k: v for k, v in claims.items() if v is not None})


def test_a_good_answer_adds_links_and_columns(dl_sim, sim_config, tool_key):
    data = dl_sim.app.state.course.issue_deep_link_data("tom")
    done = dl_sim.post("/deep-link/return", data={"JWT": _answer(sim_config, tool_key, data)})
    assert done.status_code == 200
    [link] = [link for link in dl_sim.app.state.course.links.values() if link.added_by == "tom"]
    assert link.custom == {"kurswerk_target": "lessons/x"}
    column = dl_sim.app.state.course.line_items[link.line_item_id]
    assert (column.label, column.resource_id, column.resource_link_id) == ("Spalte", "r", link.id)


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"aud": "https://other-lms.example"}, "Audience"),
        ({"iss": "someone-else"}, "issuer"),
        ({"exp": int(time.time()) - 10}, "expired"),
        ({LTI + "message_type": "LtiResourceLinkRequest"}, "LtiDeepLinkingResponse"),
        ({LTI + "deployment_id": "other"}, "deployment_id"),
        ({"nonce": None}, "nonce"),
        ({DL + "content_items": [{"type": "html", "html": "<b>x</b>"}]}, "ltiResourceLink"),
        (
            {
                DL + "content_items": [
                    {"type": "ltiResourceLink", "title": "x", "url": "https://evil.example/"}
                ]
            },
            "is not on the tool",
        ),
        ({DL + "content_items": [{"type": "ltiResourceLink"}]}, "title"),
        (
            {DL + "content_items": [{"type": "ltiResourceLink", "title": "x", "custom": {"a": 1}}]},
            "custom",
        ),
    ],
)
def test_bad_answers_are_refused(dl_sim, sim_config, tool_key, overrides, reason):
    data = dl_sim.app.state.course.issue_deep_link_data("tom")
    token = _answer(sim_config, tool_key, data, **overrides)
    refused = dl_sim.post("/deep-link/return", data={"JWT": token})
    assert refused.status_code == 400
    assert reason in refused.text
    assert not [link for link in dl_sim.app.state.course.links.values() if link.added_by]


def test_an_answer_signed_by_another_key_or_unsigned_is_refused(dl_sim, sim_config, tool_key):
    data = dl_sim.app.state.course.issue_deep_link_data("tom")
    stranger = SigningKey.generate()
    assert (
        dl_sim.post(
            "/deep-link/return", data={"JWT": _answer(sim_config, stranger, data)}
        ).status_code
        == 400
    )
    claims = jwt.decode(_answer(sim_config, tool_key, data), options={"verify_signature": False})
    unsigned = jwt.encode(claims, key="", algorithm="none")
    refused = dl_sim.post("/deep-link/return", data={"JWT": unsigned})
    assert refused.status_code == 400 and "RS256" in refused.text
    assert dl_sim.post("/deep-link/return", data={}).status_code == 400


# --- dynamic registration -----------------------------------------------------------------


def test_the_openid_configuration_names_the_platform(sim, sim_config):
    document = sim.get("/.well-known/openid-configuration").json()
    assert document["issuer"] == sim_config.issuer
    assert sim_config.openid_configuration_url.startswith(document["issuer"])
    assert document["registration_endpoint"] == sim_config.registration_endpoint
    assert document["jwks_uri"] == sim_config.jwks_url
    assert "private_key_jwt" in document["token_endpoint_auth_methods_supported"]
    assert "https://purl.imsglobal.org/spec/lti-platform-configuration" in document


def _tool_config(sim_config, **overrides):
    base = sim_config.tool_base_url
    body = {
        "application_type": "web",
        "response_types": ["id_token"],
        "grant_types": ["implicit", "client_credentials"],
        "initiate_login_uri": base + "/lti/login",
        "redirect_uris": [base + "/lti/launch"],
        "client_name": "Kurswerk",
        "jwks_uri": base + "/lti/jwks",
        "token_endpoint_auth_method": "private_key_jwt",
        "scope": f"{SCOPE_SCORE} {SCOPE_MEMBERSHIPS} https://example.org/not-offered",
        "https://purl.imsglobal.org/spec/lti-tool-configuration": {
            "domain": base.split("//", 1)[1],
            "target_link_uri": base + "/lti/launch",
            "claims": ["iss", "sub", "name", "email"],
            "messages": [{"type": "LtiDeepLinkingRequest"}],
        },
    }
    body.update(overrides)
    return body


def test_a_registration_grants_the_offered_scopes_and_fills_the_tool_slot(sim, sim_config):
    token = sim.app.state.registration_tokens.issue()
    answer = sim.post(
        "/register-tool",
        json=_tool_config(sim_config),
        headers={"Authorization": f"Bearer {token}"},
    )
    assert answer.status_code == 200
    body = answer.json()
    assert body["client_id"] == sim_config.client_id
    assert body["scope"] == f"{SCOPE_SCORE} {SCOPE_MEMBERSHIPS}"
    tool = body["https://purl.imsglobal.org/spec/lti-tool-configuration"]
    assert tool["deployment_id"] == sim_config.deployment_id
    registration = sim.app.state.course.registration
    assert registration.messages == ["LtiDeepLinkingRequest"]
    # The token was good once.
    again = sim.post(
        "/register-tool",
        json=_tool_config(sim_config),
        headers={"Authorization": f"Bearer {token}"},
    )
    assert again.status_code == 401


@pytest.mark.parametrize(
    "overrides",
    [
        {"jwks_uri": "https://evil.example/jwks"},
        {"redirect_uris": ["https://evil.example/launch"]},
        {"redirect_uris": []},
        {"token_endpoint_auth_method": "client_secret_basic"},
        {"grant_types": ["implicit"]},
        {"https://purl.imsglobal.org/spec/lti-tool-configuration": None},
    ],
)
def test_a_tool_configuration_for_another_tool_is_refused(sim, sim_config, overrides):
    body = {k: v for k, v in _tool_config(sim_config, **overrides).items() if v is not None}
    token = sim.app.state.registration_tokens.issue()
    answer = sim.post("/register-tool", json=body, headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 400
    assert sim.app.state.course.registration is None


# --- the course page, launches and the demo's worker ----------------------------------


def test_the_course_page_lists_links_and_offers_deep_linking_to_teachers(sim):
    from kurswerk.devplatform.lms import ResourceLink

    sim.app.state.course.add_link(
        ResourceLink(id="dl-9", title="Lektion 1", custom={"kurswerk_target": "lessons/x"})
    )
    teacher = sim.get("/", params={"person": "tom"})
    assert "Lektion 1" in teacher.text and "Kurswerk-Inhalt hinzufügen" in teacher.text
    learner = sim.get("/", params={"person": "lena", "link": "dl-9"})
    assert "Kurswerk-Inhalt hinzufügen" not in learner.text
    assert 'src="/launch/lena?link=dl-9"' in learner.text
    deep = sim.get("/", params={"person": "tom", "purpose": "deep-link"})
    assert 'src="/launch/tom?purpose=deep-link"' in deep.text


def test_only_teachers_start_deep_linking_and_links_must_exist(sim):
    assert sim.get("/launch/lena", params={"purpose": "deep-link"}).status_code == 403
    assert sim.get("/launch/tom", params={"purpose": "deep-link"}).status_code == 200
    assert sim.get("/launch/lena", params={"link": "nope"}).status_code == 404


def test_the_demo_worker_starts_only_on_a_migrated_database(settings, tmp_path):
    from kurswerk.devplatform import demo

    empty = settings.model_copy(update={"database_url": f"sqlite:///{tmp_path / 'empty.db'}"})
    assert demo.start_worker(empty) is None
    worker = demo.start_worker(settings)
    assert worker is not None and worker.running
    worker.stop(timeout=10)
    assert not worker.running
