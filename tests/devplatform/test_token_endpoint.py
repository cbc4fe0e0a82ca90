"""The client-credentials token endpoint (LTI Security Framework §4.1, RFC 7523): the
tool authenticates with a JWT signed by its own key, checked against the tool's JWKS."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator

import jwt
import pytest
from fastapi.testclient import TestClient

from kurswerk.core.settings import Settings
from kurswerk.devplatform.app import create_simulator
from kurswerk.devplatform.keys import SigningKey
from kurswerk.devplatform.token import JWT_BEARER

AGS_SCORE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
NRPS = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"


class StaticToolKeys:
    """The tool's JWKS as the simulator would fetch it from ``/lti/jwks``."""

    def __init__(self, jwks: dict) -> None:
        self.jwks = jwt.PyJWKSet.from_dict(jwks)

    def key_for(self, assertion: str):
        return self.jwks[jwt.get_unverified_header(assertion)["kid"]].key


@pytest.fixture(scope="module")
def tool_key() -> SigningKey:
    return SigningKey.generate()


@pytest.fixture
def token_sim(sim_config, sim_key, tool_key) -> Iterator[TestClient]:
    app = create_simulator(
        sim_config,
        settings=Settings(env="test"),
        key=sim_key,
        tool_keys=StaticToolKeys(tool_key.jwks()),
    )
    with TestClient(app, base_url=sim_config.issuer) as client:
        yield client


def _assertion(sim_config, key: SigningKey, **overrides) -> str:
    now = int(time.time())
    claims = {
        "iss": sim_config.client_id,
        "sub": sim_config.client_id,
        "aud": sim_config.token_url,
        "iat": now,
        "exp": now + 60,
        "jti": uuid.uuid4().hex,
    }
    claims.update(overrides)
    return key.sign({k: v for k, v in claims.items() if v is not None})


def _request(assertion: str, scope: str = AGS_SCORE, **overrides) -> dict[str, str]:
    data = {
        "grant_type": "client_credentials",
        "client_assertion_type": JWT_BEARER,
        "client_assertion": assertion,
        "scope": scope,
    }
    data.update(overrides)
    return data


def test_signed_assertion_gets_a_bearer_token_for_offered_scopes(token_sim, sim_config, tool_key):
    response = token_sim.post(
        "/token",
        data=_request(_assertion(sim_config, tool_key), scope=f"{AGS_SCORE} {NRPS} made-up"),
    )
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] > 0
    assert set(body["scope"].split()) == {AGS_SCORE, NRPS}
    tokens = token_sim.app.state.tokens
    assert tokens.scopes_for(body["access_token"]) == {AGS_SCORE, NRPS}
    assert tokens.scopes_for("not-a-token") == frozenset()


def test_assertion_signed_by_another_key_is_rejected(token_sim, sim_config, tool_key):
    stranger = SigningKey.generate()
    forged = jwt.encode(
        jwt.decode(_assertion(sim_config, tool_key), options={"verify_signature": False}),
        stranger._private_key,
        algorithm="RS256",
        headers={"kid": tool_key.kid},
    )
    response = token_sim.post("/token", data=_request(forged))
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"


@pytest.mark.parametrize(
    "overrides",
    [
        {"iss": "someone-else"},
        {"sub": "someone-else"},
        {"aud": "http://localhost:9001/other"},
        {"exp": int(time.time()) - 3600},
        {"jti": None},
        {"exp": None},
    ],
    ids=["iss", "sub", "aud", "expired", "no-jti", "no-exp"],
)
def test_assertion_with_wrong_claims_is_rejected(token_sim, sim_config, tool_key, overrides):
    assertion = _assertion(sim_config, tool_key, **overrides)
    response = token_sim.post("/token", data=_request(assertion))
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"


def test_replayed_assertion_is_rejected(token_sim, sim_config, tool_key):
    data = _request(_assertion(sim_config, tool_key))
    assert token_sim.post("/token", data=data).status_code == 200
    replay = token_sim.post("/token", data=data)
    assert replay.status_code == 401
    assert "jti" in replay.json()["error_description"]


def test_garbage_assertion_is_rejected(token_sim):
    response = token_sim.post("/token", data=_request("not.a.jwt"))
    assert response.status_code == 401


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"grant_type": "authorization_code"}, "unsupported_grant_type"),
        ({"client_assertion_type": "urn:other"}, "invalid_request"),
        ({"scope": "https://example.org/everything"}, "invalid_scope"),
    ],
)
def test_malformed_token_requests(token_sim, sim_config, tool_key, overrides, error):
    assertion = _assertion(sim_config, tool_key)
    response = token_sim.post("/token", data=_request(assertion, **overrides))
    assert response.status_code == 400
    assert response.json()["error"] == error
