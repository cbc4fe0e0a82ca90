"""The tool's own key: created once, stable across restarts, published without secrets."""

from __future__ import annotations

import base64

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi.testclient import TestClient
from jwt.algorithms import RSAAlgorithm

from kurswerk.app import create_app
from lti.models import ToolKey
from lti.toolkey import ToolKeyPair, generate_private_key_pem, thumbprint
from tests.conftest import TOOL_BASE_URL
from tests.lti.conftest import count_rows

PRIVATE_MEMBERS = {"d", "p", "q", "dp", "dq", "qi", "oth", "k"}


def test_jwks_shows_only_public_parts(client):
    response = client.get("/lti/jwks")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    [key] = response.json()["keys"]
    assert set(key) == {"kty", "n", "e", "kid", "alg", "use"}
    assert not PRIVATE_MEMBERS & set(key)
    assert (key["kty"], key["alg"], key["use"]) == ("RSA", "RS256", "sig")
    public = RSAAlgorithm.from_jwk(key)
    assert isinstance(public, rsa.RSAPublicKey) and public.key_size >= 2048
    assert key["kid"] == thumbprint(public)


def test_tool_key_is_created_once_and_stable_across_restarts(settings, engine):
    with TestClient(create_app(settings), base_url=TOOL_BASE_URL) as first:
        before = first.get("/lti/jwks").json()
        assert first.get("/lti/jwks").json() == before
    with TestClient(create_app(settings), base_url=TOOL_BASE_URL) as restarted:
        after = restarted.get("/lti/jwks").json()
    assert after == before
    assert count_rows(engine, ToolKey) == 1


def test_a_second_process_reuses_the_key_the_first_one_stored(settings, engine):
    first, second = create_app(settings), create_app(settings)
    pair_a = first.state.lti.tool_key()
    pair_b = second.state.lti.tool_key()
    assert pair_a.kid == pair_b.kid
    assert count_rows(engine, ToolKey) == 1


def test_the_published_key_verifies_what_the_tool_key_signs(client, app):
    pair = app.state.lti.tool_key()
    token = jwt.encode({"iss": "kurswerk"}, pair.private_key, algorithm="RS256")
    [jwk] = client.get("/lti/jwks").json()["keys"]
    assert jwt.decode(token, RSAAlgorithm.from_jwk(jwk), algorithms=["RS256"]) == {
        "iss": "kurswerk"
    }


def test_thumbprint_matches_rfc7638_example():
    """RFC 7638 §3.1: the example key's thumbprint."""
    n = (
        "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJ"
        "ECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2"
        "QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh"
        "6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw"
    )
    numbers = rsa.RSAPublicNumbers(
        e=65537, n=int.from_bytes(base64.urlsafe_b64decode(n + "=="), "big")
    )
    assert thumbprint(numbers.public_key()) == "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"


def test_key_pair_round_trips_through_pem():
    pem = generate_private_key_pem()
    assert "PRIVATE KEY" in pem
    pair = ToolKeyPair.from_pem(pem)
    assert ToolKeyPair.from_pem(pair.private_key_pem).kid == pair.kid
    assert "PRIVATE" not in pair.public_pem()
