"""Key rotation on both sides with lti1p3platform live on loopback (``tests/lti/ltipeer``).

Platform: it gets a new key pair (a new ``kid`` in its key set, id_tokens signed with it);
the tool's next launch is accepted after exactly one more fetch of the platform's key
set. Tool: ``kurswerk keys rotate``; lti1p3platform's token endpoint reads our
``/lti/jwks`` by URL, so it accepts the assertions signed with the new key after reading
it once more, and those signed with the old key during the overlap.
"""

from __future__ import annotations

import jwt
import requests

from kurswerk import cli
from kurswerk.core.outbox.queue import deliver_due
from lti import service
from lti.service_client import AccessTokens, ServiceRegistration
from tests.lti.advantage import context_of, landing, user
from tests.lti.ltipeer import MEMBERSHIP, SCORE, LivePeer, Message
from tests.lti.test_ags import _release, _submit
from tests.lti.test_key_rotation import _age_keys

LEARNER = Message("learner-1", [MEMBERSHIP + "Learner"], "Lena Lernende")
TUTOR = Message("tutor-1", [MEMBERSHIP + "Instructor"], "Tina Tutor")


def _deliver(engine, worker):
    return deliver_due(engine, {service.LMS_CALL: worker})


def test_the_platform_rotates_its_key_and_the_tool_fetches_its_key_set_once(client, live_peer):
    landing(live_peer.launch(client, LEARNER))
    assert live_peer.requests["jwks"] == 1
    old_kid = live_peer.kid()

    live_peer.rotate_key()
    assert live_peer.kid() != old_kid
    assert [key["kid"] for key in live_peer.conf.get_jwks()["keys"]] == [live_peer.kid()]
    response = live_peer.launch(client, LEARNER)
    path, _ = landing(response)
    assert path.startswith("/c/")
    assert live_peer.requests["jwks"] == 2  # the unknown kid: one re-fetch
    landing(live_peer.launch(client, TUTOR))
    assert live_peer.requests["jwks"] == 2  # and no more


def test_access_tokens_of_the_old_platform_key_are_replaced_once(
    client, live_peer, db, engine, settings
):
    landing(live_peer.launch(client, LEARNER))
    context_id, lena = context_of(db).id, user(db, LEARNER.user_id).id
    worker = service.lms_call_handler(settings, engine)
    _submit(db, context_id, lena, key="a")
    assert _deliver(engine, worker).sent == 1
    live_peer.rotate_key()  # the cached access token no longer verifies there
    _release(db, context_id, lena, key="b")
    assert _deliver(engine, worker).sent == 1
    assert live_peer.requests["token"] == 2  # 401 from the score service, one new token
    assert live_peer.requests["scores"] == 3
    assert len(live_peer.book.score_log) == 2


def test_the_tool_rotates_and_the_platform_follows_by_reading_our_key_set(
    client, app, live_peer: LivePeer, db, engine, settings, cli_env, capsys
):
    landing(live_peer.launch(client, LEARNER))
    context_id, lena = context_of(db).id, user(db, LEARNER.user_id).id
    old_key = app.state.lti.tool_key()
    _submit(db, context_id, lena, key="a")
    assert _deliver(engine, service.lms_call_handler(settings, engine)).sent == 1
    assert live_peer.conf.tool_key_fetches == 1
    cached = {key["kid"] for key in live_peer.registration.get_tool_key_set()["keys"]}
    assert cached == {old_key.kid}

    assert cli.main(["keys", "rotate"]) == 0
    assert old_key.kid in capsys.readouterr().out
    _age_keys(db, minutes=3)  # every process has published the new key by now
    app.state.lti.keys.reload()  # the web server that serves /lti/jwks
    worker = service.lms_call_handler(settings, engine)  # a worker started after it
    assertion_of = worker.client.tokens.client_assertion
    _release(db, context_id, lena, key="b")
    assert _deliver(engine, worker).sent == 1
    assert live_peer.requests["token"] == 2
    assert live_peer.conf.tool_key_fetches == 2  # the unknown kid made it read /lti/jwks
    cached = {key["kid"] for key in live_peer.registration.get_tool_key_set()["keys"]}
    assert len(cached) == 2 and old_key.kid in cached
    [signing_kid] = cached - {old_key.kid}
    assert signing_kid == app.state.lti.tool_key().kid
    registration = ServiceRegistration(
        1, live_peer.issuer, live_peer.client_id, live_peer.token_url
    )
    assert jwt.get_unverified_header(assertion_of(registration))["kid"] == signing_kid

    # During the overlap an assertion signed with the old key still gets a token.
    old_signer = AccessTokens(
        http=requests.Session(), timeout_seconds=5, signing_key=lambda: old_key
    )
    assert old_signer.token(registration, [SCORE])
    assert live_peer.requests["token"] == 3
    assert live_peer.conf.tool_key_fetches == 2  # from the key set it read already
    assert len(live_peer.book.score_log) == 2
