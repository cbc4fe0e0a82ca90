"""The tool's own RSA key: generated once, parsed once, published as a JWKS.

Platforms verify with it what the tool signs (deep-linking responses, the client
assertion of AGS/NRPS token requests; LTI 1.3 §6, Security Framework §5.1). The ``kid``
is the RFC 7638 thumbprint of the public key, so it is stable for the key's lifetime.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

KEY_BITS = 2048
ALGORITHM = "RS256"


def generate_private_key_pem() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode("ascii")


def _b64url_uint(value: int) -> str:
    raw = value.to_bytes((value.bit_length() + 7) // 8 or 1, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def public_jwk_fields(public_key: rsa.RSAPublicKey) -> dict[str, str]:
    numbers = public_key.public_numbers()
    return {"e": _b64url_uint(numbers.e), "kty": "RSA", "n": _b64url_uint(numbers.n)}


def thumbprint(public_key: rsa.RSAPublicKey) -> str:
    """RFC 7638 JWK thumbprint (SHA-256) of an RSA public key."""
    canonical = json.dumps(public_jwk_fields(public_key), separators=(",", ":"), sort_keys=True)
    digest = hashlib.sha256(canonical.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


@dataclass(frozen=True, slots=True)
class ToolKeyPair:
    """A parsed key: keep one per process (parsing a PEM costs tens of milliseconds)."""

    kid: str
    private_key: rsa.RSAPrivateKey
    private_key_pem: str

    @classmethod
    def from_pem(cls, pem: str) -> ToolKeyPair:
        key = serialization.load_pem_private_key(pem.encode("ascii"), password=None)
        if not isinstance(key, rsa.RSAPrivateKey):
            raise ValueError("the tool key must be an RSA private key")
        return cls(kid=thumbprint(key.public_key()), private_key=key, private_key_pem=pem)

    def public_jwk(self) -> dict[str, Any]:
        """Only the public parts, with the ``kid``, ``alg`` and ``use`` platforms expect."""
        return {
            **public_jwk_fields(self.private_key.public_key()),
            "kid": self.kid,
            "alg": ALGORITHM,
            "use": "sig",
        }

    def public_pem(self) -> str:
        return (
            self.private_key.public_key()
            .public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
            .decode("ascii")
        )
