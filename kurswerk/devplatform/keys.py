"""The simulator's own RSA key: signs id_tokens, published as a JWK Set at ``/jwks``.

Independent of the tool's key handling on purpose: the simulator is the peer our launch
is tested against, so it shares no code with ``lti/``.
"""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

ALGORITHM = "RS256"  # LTI Security Framework 1.0, §6.1: RS256 for message signatures


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


class SigningKey:
    """An RSA key pair with a stable ``kid`` (the RFC 7638 JWK thumbprint)."""

    def __init__(self, private_key: rsa.RSAPrivateKey) -> None:
        self._private_key = private_key
        public = RSAAlgorithm.to_jwk(private_key.public_key(), as_dict=True)
        # RFC 7638 §3: SHA-256 over the required members in lexicographic order.
        canonical = json.dumps(
            {"e": public["e"], "kty": public["kty"], "n": public["n"]},
            separators=(",", ":"),
            sort_keys=True,
        )
        self.kid = _b64url(hashlib.sha256(canonical.encode()).digest())
        self._public_jwk: dict[str, Any] = {
            "kty": "RSA",
            "e": public["e"],
            "n": public["n"],
            "kid": self.kid,
            "alg": ALGORITHM,
            "use": "sig",
        }

    @classmethod
    def generate(cls) -> SigningKey:
        return cls(rsa.generate_private_key(public_exponent=65537, key_size=2048))

    def public_jwk(self) -> dict[str, Any]:
        return dict(self._public_jwk)

    def jwks(self) -> dict[str, list[dict[str, Any]]]:
        return {"keys": [self.public_jwk()]}

    def sign(self, claims: dict[str, Any]) -> str:
        return jwt.encode(claims, self._private_key, algorithm=ALGORITHM, headers={"kid": self.kid})
