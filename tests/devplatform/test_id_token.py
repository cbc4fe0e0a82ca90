"""The id_token of a good launch: signed with the key published at ``/jwks``, with every
claim an ``LtiResourceLinkRequest`` needs (LTI Core 1.3 §5.3, §5.4), as Moodle sends it."""

from __future__ import annotations

import jwt
import pytest

from kurswerk.devplatform.config import PEOPLE
from tests.devplatform.conftest import auth_params, auth_url, start_launch
from tests.devplatform.forms import only_form

LTI = "https://purl.imsglobal.org/spec/lti/claim/"


def _id_token(sim, sim_config, person_key="lena", nonce="nonce-from-the-tool") -> str:
    params = auth_params(sim_config, start_launch(sim, person_key), nonce=nonce)
    return only_form(sim.get(auth_url(params)).text).fields["id_token"]


def _verify(sim, sim_config, token: str) -> dict:
    """Verify as a tool does: the key by ``kid`` from the platform's JWKS, RS256 only."""
    jwks = jwt.PyJWKSet.from_dict(sim.get("/jwks").json())
    kid = jwt.get_unverified_header(token)["kid"]
    return jwt.decode(
        token,
        jwks[kid].key,
        algorithms=["RS256"],
        audience=sim_config.client_id,
        issuer=sim_config.issuer,
        options={"require": ["exp", "iat", "iss", "aud", "sub", "nonce"]},
    )


def test_id_token_verifies_against_the_published_jwks(sim, sim_config):
    token = _id_token(sim, sim_config)
    header = jwt.get_unverified_header(token)
    assert header["alg"] == "RS256"
    claims = _verify(sim, sim_config, token)
    assert claims["iss"] == "http://localhost:9001"


def test_id_token_signed_by_another_key_does_not_verify(sim, sim_config):
    from kurswerk.devplatform.keys import SigningKey

    other = SigningKey.generate()
    claims = _verify(sim, sim_config, _id_token(sim, sim_config))
    forged = jwt.encode(claims, other._private_key, algorithm="RS256", headers={"kid": _kid(sim)})
    with pytest.raises(jwt.InvalidSignatureError):
        _verify(sim, sim_config, forged)


def _kid(sim) -> str:
    return sim.get("/jwks").json()["keys"][0]["kid"]


def test_jwks_publishes_only_the_public_key(sim):
    (key,) = sim.get("/jwks").json()["keys"]
    assert key["kty"] == "RSA"
    assert key["alg"] == "RS256"
    assert key["use"] == "sig"
    assert key["kid"]
    assert {"n", "e"} <= set(key)
    assert not {"d", "p", "q", "dp", "dq", "qi"} & set(key)


def test_core_claims(sim, sim_config):
    claims = _verify(sim, sim_config, _id_token(sim, sim_config, nonce="n-0123456789"))
    lena = sim_config.person("lena")

    assert claims["sub"] == lena.sub
    assert claims["aud"] == "kurswerk-demo"
    assert claims["azp"] == "kurswerk-demo"
    assert claims["nonce"] == "n-0123456789"
    assert claims["exp"] - claims["iat"] == 60
    assert claims[LTI + "deployment_id"] == "demo-deployment"
    assert claims[LTI + "message_type"] == "LtiResourceLinkRequest"
    assert claims[LTI + "version"] == "1.3.0"
    assert claims[LTI + "target_link_uri"] == "http://127.0.0.1:9000/lti/launch"


def test_course_link_and_presentation_claims(sim, sim_config):
    claims = _verify(sim, sim_config, _id_token(sim, sim_config))

    assert claims[LTI + "resource_link"] == {
        "id": sim_config.course.resource_link_id,
        "title": sim_config.course.resource_link_title,
    }
    assert claims[LTI + "context"] == {
        "id": "sms-demo",
        "label": "SMS-DEMO",
        "title": "Social-Media-Strategie (Demo)",
        "type": ["http://purl.imsglobal.org/vocab/lis/v2/course#CourseOffering"],
    }
    assert claims[LTI + "launch_presentation"] == {
        "document_target": "iframe",
        "locale": "de-DE",
        "return_url": "http://localhost:9001/return",
    }
    platform = claims[LTI + "tool_platform"]
    assert platform["guid"] and platform["name"] and platform["product_family_code"]
    assert isinstance(claims[LTI + "custom"], dict)


@pytest.mark.parametrize("person", PEOPLE, ids=lambda p: p.key)
def test_person_claims(sim, sim_config, person):
    claims = _verify(sim, sim_config, _id_token(sim, sim_config, person.key))

    assert claims["sub"] == person.sub
    assert claims["name"] == person.name
    assert claims["given_name"] == person.given_name
    assert claims["family_name"] == person.family_name
    assert claims["email"] == person.email
    assert claims[LTI + "roles"] == list(person.roles)
    assert all(role.startswith("http://purl.imsglobal.org/vocab/lis/v2/") for role in person.roles)


def test_demo_people_cover_learner_tutor_and_admin(sim_config):
    roles = {person.key: person.roles for person in sim_config.people}
    assert roles["lena"] == ("http://purl.imsglobal.org/vocab/lis/v2/membership#Learner",)
    assert roles["tom"] == ("http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor",)
    assert "http://purl.imsglobal.org/vocab/lis/v2/institution/person#Administrator" in roles["ada"]
