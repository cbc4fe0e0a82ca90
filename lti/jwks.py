"""Platform key sets: fetched with a timeout, parsed once, cached, re-fetched on rotation.

A platform publishes its public keys as a JWKS at its keyset URL (LTI 1.3 §6.3,
Security Framework §6.3). A launch names its key by ``kid``. We keep the parsed keys
per URL for ``jwks_cache_seconds``; a ``kid`` we do not know triggers one re-fetch (the
platform may have rotated its key), and further unknown ``kid``s within
``KID_REFETCH_COOLDOWN_SECONDS`` do not, so forged tokens cannot make us hammer the
platform. When a re-fetch fails, the keys we have keep working.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import requests
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from lti import errors

log = logging.getLogger("kurswerk.lti.jwks")

KID_REFETCH_COOLDOWN_SECONDS = 30.0
MAX_KEYSET_BYTES = 256 * 1024


@dataclass
class _Entry:
    keys: dict[str, rsa.RSAPublicKey] = field(default_factory=dict)
    fresh_until: float | None = None  # monotonic; None: never fetched successfully
    failed_until: float | None = None  # after a failed first fetch: don't retry before
    last_kid_refetch_at: float | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)


def parse_keyset(document: Any) -> dict[str, rsa.RSAPublicKey]:
    """The RS256 signing keys of a JWKS document, by ``kid``; other keys are skipped."""
    if not isinstance(document, dict) or not isinstance(document.get("keys"), list):
        raise ValueError("not a JWKS document (no 'keys' list)")
    keys: dict[str, rsa.RSAPublicKey] = {}
    for jwk in document["keys"]:
        if not isinstance(jwk, dict):
            continue
        kid = jwk.get("kid")
        if (
            not isinstance(kid, str)
            or not kid
            or jwk.get("kty") != "RSA"
            or jwk.get("alg", "RS256") != "RS256"
            or jwk.get("use", "sig") != "sig"
        ):
            continue
        public_only = {k: jwk[k] for k in ("kty", "n", "e") if k in jwk}
        try:
            key = RSAAlgorithm.from_jwk(public_only)
        except Exception as exc:  # noqa: BLE001 - one bad key must not hide the others
            log.warning("skipping unreadable key %r in key set: %s", kid, exc)
            continue
        if isinstance(key, rsa.RSAPublicKey):
            keys[kid] = key
    return keys


class KeySetCache:
    """Thread-safe per-URL cache of parsed platform keys (one per process)."""

    def __init__(
        self,
        *,
        http: requests.Session,
        timeout_seconds: float,
        ttl_seconds: float,
        refetch_cooldown_seconds: float = KID_REFETCH_COOLDOWN_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.http = http
        self.timeout_seconds = timeout_seconds
        self.ttl_seconds = ttl_seconds
        self.refetch_cooldown_seconds = refetch_cooldown_seconds
        self._clock = clock
        self._entries: dict[str, _Entry] = {}
        self._guard = threading.Lock()

    def _entry(self, url: str) -> _Entry:
        with self._guard:
            return self._entries.setdefault(url, _Entry())

    def key_for(self, url: str, kid: str) -> rsa.RSAPublicKey:
        """The platform key ``kid`` from ``url``; raises ``UnknownSigningKey`` or
        ``KeysetUnavailable``."""
        entry = self._entry(url)
        if self._stale(entry):
            with entry.lock:
                if self._stale(entry):
                    self._refresh(url, entry)
        key = entry.keys.get(kid)
        if key is not None:
            return key
        with entry.lock:
            key = entry.keys.get(kid)  # another thread may have re-fetched meanwhile
            if key is None and self._may_refetch_for_kid(entry):
                entry.last_kid_refetch_at = self._clock()
                log.info("unknown kid %r for %s: re-fetching the key set once", kid, url)
                self._refresh(url, entry)
                key = entry.keys.get(kid)
        if key is None:
            raise errors.UnknownSigningKey(
                f"kid {kid!r} not in key set {url}", kid=kid, keyset_url=url
            )
        return key

    def _may_refetch_for_kid(self, entry: _Entry) -> bool:
        last = entry.last_kid_refetch_at
        return last is None or self._clock() - last >= self.refetch_cooldown_seconds

    def _stale(self, entry: _Entry) -> bool:
        return entry.fresh_until is None or self._clock() >= entry.fresh_until

    def _refresh(self, url: str, entry: _Entry) -> None:
        """Fetch and parse; on failure keep the keys we have (retrying after the
        cooldown), or, having none, refuse for the cooldown without asking again."""
        now = self._clock()
        if (
            entry.fresh_until is None
            and entry.failed_until is not None
            and now < entry.failed_until
        ):
            raise errors.KeysetUnavailable(
                f"key set {url} failed recently; not retrying yet", keyset_url=url
            )
        try:
            keys = parse_keyset(self._fetch(url))
        except (requests.RequestException, ValueError) as exc:
            retry_at = self._clock() + self.refetch_cooldown_seconds
            if entry.fresh_until is not None:
                log.warning("key set %s not refreshed, keeping cached keys: %s", url, exc)
                entry.fresh_until = retry_at
                return
            entry.failed_until = retry_at
            raise errors.KeysetUnavailable(
                f"fetching key set {url} failed: {exc}", keyset_url=url
            ) from exc
        entry.keys = keys
        entry.fresh_until = self._clock() + self.ttl_seconds
        entry.failed_until = None

    def _fetch(self, url: str) -> Any:
        with self.http.get(
            url,
            timeout=self.timeout_seconds,
            stream=True,
            headers={"Accept": "application/json"},
        ) as response:
            response.raise_for_status()
            body = bytearray()
            for chunk in response.iter_content(chunk_size=16384):
                body.extend(chunk)
                if len(body) > MAX_KEYSET_BYTES:
                    raise ValueError(f"key set larger than {MAX_KEYSET_BYTES} bytes")
        return json.loads(bytes(body))
