"""A token forger for the launch refusals: its own RSA keys, PyJWT, and raw JWS by hand
(``alg: none``, HS256 keyed with the public key) where PyJWT rightly refuses to help.

It plays a registered platform: its public keys are served by the loopback key-set
server, so a token it signs correctly is a valid launch (the baseline the refusal tests
vary one thing from).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import uuid
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"
LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"
INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"
DROP = object()  # a claim override that removes the claim


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _segment(obj: dict[str, Any]) -> str:
    return _b64(json.dumps(obj, separators=(",", ":")).encode())


class ForgerKey:
    def __init__(self, kid: str) -> None:
        self.kid = kid
        self.private_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)

    def public_jwk(self) -> dict[str, Any]:
        jwk = json.loads(RSAAlgorithm.to_jwk(self.private_key.public_key()))
        return {**jwk, "kid": self.kid, "alg": "RS256", "use": "sig"}

    def public_pem(self) -> bytes:
        return self.private_key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )


class Forger:
    def __init__(
        self, *, issuer: str, client_id: str, deployment_id: str, tool_base_url: str
    ) -> None:
        self.issuer = issuer
        self.client_id = client_id
        self.deployment_id = deployment_id
        self.tool_base_url = tool_base_url
        self.key = ForgerKey("forger-key-1")
        self.published: list[ForgerKey] = [self.key]

    def jwks(self) -> dict[str, Any]:
        return {"keys": [k.public_jwk() for k in self.published]}

    def claims(self, nonce: str, /, **overrides: Any) -> dict[str, Any]:
        now = int(time.time())
        body: dict[str, Any] = {
            "iss": self.issuer,
            "aud": self.client_id,
            "azp": self.client_id,
            "sub": "forged-user-1",
            "iat": now,
            "exp": now + 60,
            "nonce": nonce,
            "name": "Erika Mustermann",
            "email": "erika@example.org",
            CLAIM + "message_type": "LtiResourceLinkRequest",
            CLAIM + "version": "1.3.0",
            CLAIM + "deployment_id": self.deployment_id,
            CLAIM + "target_link_uri": self.tool_base_url + "/lti/launch",
            CLAIM + "resource_link": {"id": "resource-1", "title": "Kurswerk"},
            CLAIM + "roles": [LEARNER],
            CLAIM + "context": {"id": "course-1", "title": "Social-Media-Strategie"},
            CLAIM + "launch_presentation": {"locale": "de-DE", "document_target": "iframe"},
        }
        for name, value in overrides.items():
            if value is DROP:
                body.pop(name, None)
            else:
                body[name] = value
        return body

    def sign(
        self,
        claims: dict[str, Any],
        *,
        key: ForgerKey | None = None,
        kid: str | None = None,
    ) -> str:
        key = key or self.key
        return jwt.encode(
            claims, key.private_key, algorithm="RS256", headers={"kid": kid or key.kid}
        )

    def sign_none(self, claims: dict[str, Any]) -> str:
        """``alg: none``: header and payload, empty signature."""
        header = {"alg": "none", "typ": "JWT", "kid": self.key.kid}
        return f"{_segment(header)}.{_segment(claims)}."

    def sign_hs256_with_public_key(self, claims: dict[str, Any]) -> str:
        """The classic key-confusion forgery: HMAC keyed with the published public key."""
        header = {"alg": "HS256", "typ": "JWT", "kid": self.key.kid}
        signing_input = f"{_segment(header)}.{_segment(claims)}"
        mac = hmac.new(self.key.public_pem(), signing_input.encode(), hashlib.sha256).digest()
        return f"{signing_input}.{_b64(mac)}"

    @staticmethod
    def other_key(kid: str) -> ForgerKey:
        return ForgerKey(kid)

    @staticmethod
    def fresh_nonce() -> str:
        return uuid.uuid4().hex
