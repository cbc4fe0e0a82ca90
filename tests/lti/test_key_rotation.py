"""Key rotation on both sides, with the simulator as the other side.

Tool: ``kurswerk keys rotate`` makes a new signing key; the old one stays in
``/lti/jwks`` for the overlap, so a platform that cached the key set still verifies, and
one that meets the new ``kid`` fetches the key set once more. After the overlap the old
key is gone. Platform: the simulator changes its key; the next launch makes the tool
fetch the platform's key set exactly once more."""

from __future__ import annotations

from datetime import timedelta

import jwt
from sqlmodel import select

from kurswerk import cli
from kurswerk.core.clock import utcnow
from kurswerk.devplatform.keys import SigningKey
from lti import service
from lti.keys import KeyRing
from lti.models import ToolKey
from tests.lti.advantage import landing, launch
from tests.lti.catalog import FakeCatalog


def _age_keys(db, *, minutes: int) -> None:
    """As if ``minutes`` had passed since the keys were made."""
    for row in db.exec(select(ToolKey)).all():
        row.created_at = utcnow() - timedelta(minutes=minutes)
        db.add(row)
    db.commit()


def _kids(client) -> list[str]:
    return [key["kid"] for key in client.get("/lti/jwks").json()["keys"]]


def _deep_link_answer(client, sim) -> str:
    from tests.lti.test_deep_linking import _jwt_of, answer, picker

    path, token = landing(launch(client, sim, "tom", purpose="deep-link"))
    return _jwt_of(answer(client, picker(client, f"{path}?kt={token}"), ["lessons/einstieg"]))[1]


def test_rotation_keeps_the_old_key_published_and_platforms_follow(
    client, sim, app, db, cli_env, capsys, fill_slot
):
    fill_slot(service.DEEP_LINK_CATALOG, FakeCatalog())
    old_kid = app.state.lti.tool_key().kid
    first = _deep_link_answer(client, sim)
    assert sim.client.post("/deep-link/return", data={"JWT": first}).status_code == 200
    assert sim.tool_jwks.fetches == 1

    assert cli.main(["keys", "rotate"]) == 0
    out = capsys.readouterr().out
    assert "New key" in out and old_kid in out
    app.state.lti.keys.reload()  # a running server reloads within a minute; now here
    [new_kid] = [kid for kid in _kids(client) if kid != old_kid]
    assert _kids(client) == [new_kid, old_kid]  # both published during the overlap
    # Published at once, but not used yet: other processes may not publish it yet.
    assert app.state.lti.tool_key().kid == old_kid

    _age_keys(db, minutes=3)  # every process has reloaded by now
    app.state.lti.keys.reload()
    assert app.state.lti.tool_key().kid == new_kid

    second = _deep_link_answer(client, sim)
    assert jwt.get_unverified_header(second)["kid"] == new_kid
    assert sim.client.post("/deep-link/return", data={"JWT": second}).status_code == 200
    assert sim.tool_jwks.fetches == 2  # the unknown kid made it fetch once more

    # Something signed with the old key a moment ago still verifies from the key set.
    old = next(row for row in db.exec(select(ToolKey)).all() if row.kid == old_kid)
    assert old.retired_at is not None and old.slot.startswith("retired-")

    assert cli.main(["keys", "list"]) == 0
    listing = capsys.readouterr().out
    assert f"{new_kid}\tsigning" in listing and f"{old_kid}\tretired" in listing


def test_after_the_overlap_the_old_key_is_dropped(client, app, db, engine):
    old_kid = app.state.lti.tool_key().kid
    service.rotate_tool_key(db, overlap=timedelta(hours=72))
    db.commit()
    app.state.lti.keys.reload()
    assert old_kid in _kids(client)
    assert app.state.lti.tool_key().kid == old_kid

    later = utcnow() + timedelta(hours=73)
    rotation = service.rotate_tool_key(db, overlap=timedelta(hours=72), now=later)
    db.commit()
    assert rotation.dropped_kids == (old_kid,)
    app.state.lti.keys.reload()
    kids = _kids(client)
    assert old_kid not in kids and len(kids) == 2
    assert len(db.exec(select(ToolKey)).all()) == 2
    # The key retired 73 h ago is gone; the one retired now signs until the newest is due.
    assert app.state.lti.tool_key().kid == kids[1]


def test_a_retired_key_whose_overlap_ended_leaves_the_key_set_on_reload(client, app, db):
    old_kid = app.state.lti.tool_key().kid
    service.rotate_tool_key(db, overlap=timedelta(hours=72), now=utcnow() - timedelta(hours=80))
    db.commit()
    app.state.lti.keys.reload()
    assert old_kid not in _kids(client)
    assert [row.kid for row in db.exec(select(ToolKey)).all()] == [app.state.lti.tool_key().kid]


def test_a_running_process_publishes_the_rotation_after_its_refresh_interval(engine, db):
    class Clock:
        now = 0.0

        def __call__(self) -> float:
            return self.now

    clock = Clock()
    ring = KeyRing(engine, overlap=timedelta(hours=1), refresh_seconds=60, clock=clock)
    before = ring.signing().kid
    rotation = service.rotate_tool_key(db, overlap=timedelta(hours=1))
    db.commit()
    clock.now = 59
    assert ring.published_kids() == [before]
    clock.now = 61
    assert ring.published_kids() == [rotation.new_kid, before]
    assert ring.signing().kid == before  # signs with it only after the activation delay


def test_signing_switches_to_the_new_key_after_the_activation_delay(engine, db):
    ring = KeyRing(engine, overlap=timedelta(hours=1), activation_seconds=120)
    before = ring.signing().kid
    rotation = service.rotate_tool_key(
        db, overlap=timedelta(hours=1), now=utcnow() - timedelta(seconds=119)
    )
    db.commit()
    ring.reload()
    assert ring.signing().kid == before
    _age_keys(db, minutes=2)
    ring.reload()
    assert ring.signing().kid == rotation.new_kid


def test_access_tokens_after_rotation_are_signed_with_the_new_key(client, sim, db, engine):
    import requests

    from kurswerk.core.outbox.queue import deliver_due
    from lti.ags_delivery import LmsCallHandler
    from lti.service_client import AccessTokens, ServiceClient
    from tests.lti.advantage import context_of, user
    from tests.lti.catalog import EXERCISE

    landing(launch(client, sim, "lena"))
    context, lena = context_of(db), user(db, "2001")
    ring = KeyRing(engine, overlap=timedelta(hours=72))  # the worker's own key ring
    handler = LmsCallHandler(
        engine,
        ServiceClient(
            AccessTokens(http=requests.Session(), timeout_seconds=2, signing_key=ring.signing)
        ),
    )
    service.grade_submitted(db, context_id=context.id, user_id=lena.id, line_item=EXERCISE, key="a")
    db.commit()
    assert deliver_due(engine, {service.LMS_CALL: handler}).sent == 1
    assert sim.tool_jwks.fetches == 1

    service.rotate_tool_key(db, overlap=timedelta(hours=72))
    db.commit()
    _age_keys(db, minutes=3)
    ring.reload()
    client.app.state.lti.keys.reload()  # the web server publishes it
    assert ring.signing().kid == client.app.state.lti.keys.signing().kid
    sim.app.state.tokens.revoke_all()  # the next score needs a new token
    service.grade_feedback_released(
        db, context_id=context.id, user_id=lena.id, line_item=EXERCISE, comment="ok", key="b"
    )
    db.commit()
    assert deliver_due(engine, {service.LMS_CALL: handler}).sent == 1
    assert sim.course.requests["token"] == 2
    assert sim.tool_jwks.fetches == 2  # the simulator met the new kid at its token endpoint


def test_the_platform_rotates_its_key_and_the_tool_follows_once(client, sim):
    landing(launch(client, sim, "lena"))
    assert sim.course.requests["jwks"] == 1
    sim.app.state.key = SigningKey.generate()  # the simulator's new key
    path, _ = landing(launch(client, sim, "lena"))
    assert path.startswith("/c/")
    assert sim.course.requests["jwks"] == 2  # one re-fetch for the unknown kid
    landing(launch(client, sim, "tom"))
    assert sim.course.requests["jwks"] == 2  # and no more
