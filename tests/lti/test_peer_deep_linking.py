"""Deep linking 2.0 round trip with lti1p3platform live on loopback (``tests/lti/ltipeer``).

Its ``set_dl`` sends the ``LtiDeepLinkingRequest`` with ``data``; the tutor picks in the
tool; the browser posts the tool's answer to the platform's return URL, where
``validate_deeplinking_resp`` checks it against our key set, read from ``/lti/jwks``
by URL. The platform then holds the links (and a gradebook column for the exercise's
``lineItem``); a learner's launch of a link lands on its target and her score goes to
that column. A tampered answer is refused and adds nothing.
(``tests/lti/test_deep_linking.py`` runs the same package in-process, with the key set
handed over, for the claims in detail.)
"""

from __future__ import annotations

import httpx
import jwt

from kurswerk.core.outbox.queue import deliver_due
from lti import service
from tests.lti.advantage import context_of, landing, user
from tests.lti.catalog import EXERCISE_TARGET
from tests.lti.ltipeer import MEMBERSHIP, LivePeer, Message
from tests.lti.test_ags import _submit
from tests.lti.test_deep_linking import DL, _jwt_of, _tamper, answer, picker

DATA = {"placement": "week-3", "slot": "7"}


def _tutor_picks(client, peer: LivePeer, targets: list[str]) -> tuple[str, str]:
    tutor = Message(
        "tutor-1",
        [MEMBERSHIP + "Instructor"],
        "Tina Tutor",
        kind="LtiDeepLinkingRequest",
        deep_link_data=DATA,
    )
    path, token = landing(peer.launch(client, tutor))
    return _jwt_of(answer(client, picker(client, f"{path}?kt={token}"), targets))


def test_picked_links_reach_the_platform_and_launch_where_they_point(
    client, live_peer, catalog, db, engine, settings
):
    action, token_value = _tutor_picks(client, live_peer, ["lessons/einstieg", EXERCISE_TARGET])
    assert action == live_peer.deep_link_return_url
    returned = httpx.post(action, data={"JWT": token_value}, timeout=10)  # the browser's post
    assert returned.status_code == 200, returned.text
    assert live_peer.conf.tool_key_fetches == 1
    assert live_peer.conf.tool_validate_and_decode(token_value)[DL + "data"] == DATA

    lesson, exercise = live_peer.deep_linked
    assert lesson.item["custom"]["kurswerk_target"] == "lessons/einstieg"
    assert "lineitem_url" not in lesson.item
    assert exercise.item["custom"]["kurswerk_target"] == EXERCISE_TARGET
    [column] = live_peer.book.line_items.values()
    assert column["resourceId"] == "exercise:einstieg/zielgruppe"
    assert column["id"] == exercise.item["lineitem_url"]

    learner = Message("learner-1", [MEMBERSHIP + "Learner"], "Lena Lernende")
    for link, where in ((lesson, "lessons/einstieg"), (exercise, EXERCISE_TARGET)):
        learner.resource_link_id = link.resource_link_id
        learner.custom = link.item["custom"]
        learner.lineitem_url = link.item.get("lineitem_url")
        path, _ = landing(live_peer.launch(client, learner))
        assert path == f"/c/{context_of(db).id}/{where}"

    # The learner's score goes to the column the deep link made: no lookup, no creation.
    _submit(db, context_of(db).id, user(db, "learner-1").id)
    handlers = {service.LMS_CALL: service.lms_call_handler(settings, engine)}
    assert deliver_due(engine, handlers).sent == 1
    assert live_peer.requests["lineitems"] == 0
    [(column_key, learner_id)] = live_peer.book.scores
    assert (live_peer.book.line_items[column_key]["id"], learner_id) == (column["id"], "learner-1")


def test_a_tampered_answer_is_refused_by_the_platform(client, live_peer, catalog):
    _, token_value = _tutor_picks(client, live_peer, ["lessons/einstieg"])

    def other_data(body):
        body[DL + "data"] = {"placement": "week-9"}

    def other_target(body):
        body[DL + "content_items"][0]["custom"]["kurswerk_target"] = "lessons/geheim"

    for change in (other_data, other_target):
        refused = httpx.post(
            live_peer.deep_link_return_url,
            data={"JWT": _tamper(token_value, change)},
            timeout=10,
        )
        assert refused.status_code == 400
        assert jwt.InvalidSignatureError.__name__ in refused.json()["error"]
    assert live_peer.deep_linked == []
    assert live_peer.book.line_items == {}
    untouched = httpx.post(live_peer.deep_link_return_url, data={"JWT": token_value}, timeout=10)
    assert untouched.status_code == 200  # the refusals consumed nothing
    assert len(live_peer.deep_linked) == 1
