"""Platform key sets: fetched over real HTTP with a timeout, cached, re-fetched exactly
once for an unknown ``kid`` (key rotation), never on every launch."""

from __future__ import annotations

import socket
import threading

import pytest
import requests

from lti import errors
from lti.jwks import KeySetCache, parse_keyset
from tests.lti.conftest import KeysetServer, post_launch, start_login
from tests.lti.forger import Forger, ForgerKey

PATH = "/forger/jwks"


def _launch(client, forger: Forger, key: ForgerKey | None = None):
    login = start_login(client)
    return post_launch(client, forger.sign(forger.claims(login.nonce), key=key), login.state)


def test_key_set_is_fetched_once_for_many_launches(client, forger, keyset_server):
    for _ in range(3):
        assert _launch(client, forger).status_code == 303
    assert keyset_server.hits[PATH] == 1


def test_rotated_key_is_fetched_exactly_once(client, forger, keyset_server):
    assert _launch(client, forger).status_code == 303
    assert keyset_server.hits[PATH] == 1

    rotated = forger.other_key("forger-key-2")  # the platform rotates its key
    forger.published = [forger.key, rotated]
    keyset_server.documents[PATH] = forger.jwks()

    assert _launch(client, forger, key=rotated).status_code == 303
    assert keyset_server.hits[PATH] == 2  # one re-fetch for the unknown kid
    assert _launch(client, forger, key=rotated).status_code == 303
    assert _launch(client, forger).status_code == 303
    assert keyset_server.hits[PATH] == 2  # and no more


def test_unknown_kids_do_not_make_us_hammer_the_platform(client, forger, keyset_server):
    assert _launch(client, forger).status_code == 303
    stranger = forger.other_key("never-published")
    for _ in range(3):
        assert _launch(client, forger, key=stranger).status_code == 403
    assert keyset_server.hits[PATH] == 2  # first fetch + one re-fetch, then the cooldown


def test_unreachable_key_set_is_a_clear_error(client, forger, db, keyset_server):
    del keyset_server.documents[PATH]  # the platform answers 404
    response = _launch(client, forger)
    assert response.status_code == 502
    assert "Keyset" in response.text and keyset_server.url(PATH) in response.text


# -- the cache on its own -------------------------------------------------------------


def _cache(ttl: float = 3600, cooldown: float = 30, timeout: float = 2.0, clock=None):
    kwargs = {"clock": clock} if clock else {}
    return KeySetCache(
        http=requests.Session(),
        timeout_seconds=timeout,
        ttl_seconds=ttl,
        refetch_cooldown_seconds=cooldown,
        **kwargs,
    )


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_cache_refreshes_after_its_lifetime(keyset_server):
    key = ForgerKey("k1")
    keyset_server.documents["/k"] = {"keys": [key.public_jwk()]}
    clock = FakeClock()
    cache = _cache(ttl=60, clock=clock)
    cache.key_for(keyset_server.url("/k"), "k1")
    clock.now += 59
    cache.key_for(keyset_server.url("/k"), "k1")
    assert keyset_server.hits["/k"] == 1
    clock.now += 2
    cache.key_for(keyset_server.url("/k"), "k1")
    assert keyset_server.hits["/k"] == 2


def test_failed_refresh_keeps_the_cached_keys(keyset_server):
    key = ForgerKey("k1")
    keyset_server.documents["/k"] = {"keys": [key.public_jwk()]}
    clock = FakeClock()
    cache = _cache(ttl=60, cooldown=30, clock=clock)
    first = cache.key_for(keyset_server.url("/k"), "k1")
    del keyset_server.documents["/k"]
    clock.now += 61
    assert cache.key_for(keyset_server.url("/k"), "k1") is first
    assert keyset_server.hits["/k"] == 2
    cache.key_for(keyset_server.url("/k"), "k1")  # retried only after the cooldown
    assert keyset_server.hits["/k"] == 2


def test_a_hanging_key_set_server_times_out():
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)  # accepts the connection, never answers
    url = f"http://127.0.0.1:{listener.getsockname()[1]}/jwks"
    try:
        with pytest.raises(errors.KeysetUnavailable):
            _cache(timeout=0.2).key_for(url, "k1")
    finally:
        listener.close()


def test_the_fetch_carries_the_configured_timeout(keyset_server):
    seen: list[object] = []

    class RecordingSession(requests.Session):
        def get(self, url, **kwargs):  # type: ignore[override]
            seen.append(kwargs.get("timeout"))
            return super().get(url, **kwargs)

    keyset_server.documents["/k"] = {"keys": [ForgerKey("k1").public_jwk()]}
    cache = KeySetCache(http=RecordingSession(), timeout_seconds=3.5, ttl_seconds=60)
    cache.key_for(keyset_server.url("/k"), "k1")
    assert seen == [3.5]


def test_oversized_key_set_is_refused(keyset_server):
    keyset_server.documents["/big"] = {"keys": [], "padding": "x" * (300 * 1024)}
    with pytest.raises(errors.KeysetUnavailable):
        _cache().key_for(keyset_server.url("/big"), "k1")


def test_concurrent_first_launches_fetch_once(keyset_server):
    keyset_server.documents["/k"] = {"keys": [ForgerKey("k1").public_jwk()]}
    cache = _cache()
    start = threading.Barrier(8)

    def fetch() -> None:
        start.wait()
        cache.key_for(keyset_server.url("/k"), "k1")

    threads = [threading.Thread(target=fetch) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert keyset_server.hits["/k"] == 1


def test_parse_keyset_keeps_only_rs256_signing_keys():
    good = ForgerKey("good").public_jwk()
    document = {
        "keys": [
            good,
            {**ForgerKey("enc").public_jwk(), "use": "enc"},
            {**ForgerKey("ps").public_jwk(), "alg": "PS256"},
            {"kty": "EC", "kid": "ec", "crv": "P-256", "x": "x", "y": "y"},
            {**ForgerKey("nokid").public_jwk(), "kid": ""},
            {"kty": "RSA", "kid": "broken", "n": "!!", "e": "AQAB"},
            "not-a-key",
        ]
    }
    assert set(parse_keyset(document)) == {"good"}


@pytest.mark.parametrize("document", [[], {"keys": "nope"}, {"no": "keys"}, "text"])
def test_parse_keyset_refuses_what_is_not_a_jwks(document):
    with pytest.raises(ValueError):
        parse_keyset(document)


def test_private_parts_in_a_platform_jwks_are_ignored():
    key = ForgerKey("k")
    import json

    from jwt.algorithms import RSAAlgorithm

    private_jwk = {**json.loads(RSAAlgorithm.to_jwk(key.private_key)), "kid": "k"}
    parsed = parse_keyset({"keys": [private_jwk]})["k"]
    assert parsed.public_numbers() == key.private_key.public_key().public_numbers()


def test_keyset_server_fixture_counts_requests(keyset_server: KeysetServer):
    keyset_server.documents["/x"] = {"keys": []}
    requests.get(keyset_server.url("/x"), timeout=2)
    requests.get(keyset_server.url("/x"), timeout=2)
    assert keyset_server.hits["/x"] == 2
