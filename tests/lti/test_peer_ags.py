"""Grades to an LMS we did not write: lti1p3platform live on loopback (``tests/lti/ltipeer``).

The tool's outbox worker (``lti.ags_delivery`` through ``kurswerk.core.outbox.queue.deliver_due``)
gets a token from lti1p3platform's token endpoint, which verifies our client assertion
against the key set it fetches from our ``/lti/jwks``; its AGS handlers check the bearer
token, and what they stored is the assertion. Faults: the platform down and up again (the
score arrives once), 5xx answers, a token endpoint that answers 401 (asked once more,
then recorded with its answer), a platform that granted no AGS scope (no calls, a
skipped row with the reason).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlmodel import Session, select

from kurswerk.core.clock import utcnow
from kurswerk.core.outbox.queue import OutboxStatus, deliver_due
from lti import service
from lti.ags import SKIP_NO_GRADE_SERVICE, SKIP_NO_SCORE_SCOPE
from lti.models import LineItem
from tests.conftest import TOOL_BASE_URL
from tests.lti.advantage import context_of, landing, user
from tests.lti.catalog import EXERCISE
from tests.lti.ltipeer import MEMBERSHIP, MEMBERSHIPS, LivePeer, Message
from tests.lti.test_ags import POLICY, _release, _submit, rows

LEARNER = Message("learner-1", [MEMBERSHIP + "Learner"], "Lena Lernende", "lena@example.org")
ADMIN = Message(
    "admin-1", ["http://purl.imsglobal.org/vocab/lis/v2/institution/person#Administrator"]
)


@pytest.fixture
def worker(settings, engine):
    """The handler ``kurswerk worker`` runs, with its own key ring and token cache."""
    return service.lms_call_handler(settings, engine)


def deliver(engine, worker, *, later: int = 0):
    at = utcnow() + timedelta(seconds=later) if later else None
    return deliver_due(engine, {service.LMS_CALL: worker}, policy=POLICY, now=at)


def learner_launched(client, peer: LivePeer, db: Session) -> tuple[int, int]:
    landing(peer.launch(client, LEARNER))
    return context_of(db).id, user(db, LEARNER.user_id).id


@contextmanager
def other_peer(live_tool, db: Session, **kwargs) -> Iterator[LivePeer]:
    """A second lti1p3platform registration (another client id, its own settings)."""
    granted = kwargs.pop("registered_scopes", None)
    peer = LivePeer(
        tool_base_url=TOOL_BASE_URL,
        tool_jwks_url=live_tool.url + "/lti/jwks",
        client_id="kurswerk-other-peer",
        **kwargs,
    )
    try:
        peer.register(db, granted_scopes=granted)
        yield peer
    finally:
        peer.stop()


def test_submit_then_release_fill_one_column_with_one_token(client, live_peer, db, engine, worker):
    context_id, lena = learner_launched(client, live_peer, db)
    _submit(db, context_id, lena)
    assert deliver(engine, worker).sent == 1
    [(key, column)] = live_peer.book.line_items.items()
    assert (column["resourceId"], column["label"], column["scoreMaximum"]) == (
        EXERCISE.resource_id,
        EXERCISE.label,
        1.0,
    )
    submitted = live_peer.book.scores[(key, LEARNER.user_id)]
    assert (submitted["activityProgress"], submitted["gradingProgress"]) == (
        "Submitted",
        "PendingManual",
    )
    assert "scoreGiven" not in submitted and "comment" not in submitted

    _release(db, context_id, lena, comment="Gute Analyse der Zielgruppe.")
    assert deliver(engine, worker).sent == 1
    released = live_peer.book.scores[(key, LEARNER.user_id)]
    assert (released["activityProgress"], released["gradingProgress"]) == (
        "Completed",
        "FullyGraded",
    )
    assert (released["scoreGiven"], released["scoreMaximum"]) == (1.0, 1.0)
    assert released["comment"] == "Gute Analyse der Zielgruppe."
    assert list(live_peer.book.line_items) == [key]  # the same column, not a second one
    assert len(live_peer.book.score_log) == 2
    assert live_peer.requests["token"] == 1  # one token for both
    assert live_peer.requests["lineitems"] == 2  # looked up once, created once
    assert live_peer.conf.tool_key_fetches == 1
    with Session(engine) as session:
        [known] = session.exec(select(LineItem)).all()
    assert known.lineitem_url == column["id"]


def test_a_platform_that_is_down_then_up_gets_the_score_once(client, live_peer, db, engine, worker):
    context_id, lena = learner_launched(client, live_peer, db)
    live_peer.go_down()  # its socket is closed
    _submit(db, context_id, lena)
    down = deliver(engine, worker)
    assert (down.sent, down.retrying) == (0, 1)
    assert "unreachable" in (rows(engine)[-1].last_error or "")
    assert deliver(engine, worker).processed == 0  # backing off, nothing sent twice

    live_peer.come_up()  # same port, same gradebook
    assert deliver(engine, worker, later=60).sent == 1
    assert len(live_peer.book.score_log) == 1
    assert live_peer.book.duplicate_scores == 0
    assert deliver(engine, worker, later=3600).processed == 0


def test_5xx_answers_are_retried_and_the_score_arrives_once(client, live_peer, db, engine, worker):
    context_id, lena = learner_launched(client, live_peer, db)
    live_peer.fail_next["scores"] = [503, 500]
    _submit(db, context_id, lena)
    assert deliver(engine, worker).retrying == 1
    assert "HTTP 503" in (rows(engine)[-1].last_error or "")
    assert deliver(engine, worker, later=10).retrying == 1
    assert deliver(engine, worker, later=60).sent == 1
    assert live_peer.requests["scores"] == 3
    assert len(live_peer.book.score_log) == 1
    assert len(live_peer.book.line_items) == 1  # the column was made once


def test_a_token_endpoint_401_is_asked_once_more(client, live_peer, db, engine, worker):
    context_id, lena = learner_launched(client, live_peer, db)
    live_peer.fail_next["token"] = [401]
    _submit(db, context_id, lena)
    assert deliver(engine, worker).sent == 1
    assert live_peer.requests["token"] == 2
    assert len(live_peer.book.score_log) == 1


def test_a_second_token_endpoint_401_is_recorded_with_the_platforms_answer(
    client, live_peer, db, engine, worker
):
    context_id, lena = learner_launched(client, live_peer, db)
    live_peer.fail_next["token"] = [401, 401]
    _submit(db, context_id, lena)
    report = deliver(engine, worker)
    assert (report.sent, report.failed) == (0, 1)
    [failed] = rows(engine)
    assert failed.status == OutboxStatus.FAILED
    error = failed.last_error or ""
    assert "token endpoint" in error and "HTTP 401" in error and "invalid_client" in error
    assert live_peer.requests["token"] == 2  # re-authenticated once, not more
    assert live_peer.requests["lineitems"] == live_peer.requests["scores"] == 0
    assert deliver(engine, worker, later=86400).processed == 0  # permanent


def test_a_platform_that_does_not_know_our_key_refuses_with_its_own_reason(
    client, live_peer, db, engine, worker
):
    """Not a scripted answer: lti1p3platform's own check of the client assertion fails."""
    context_id, lena = learner_launched(client, live_peer, db)
    live_peer.registration.set_tool_key_set_url(None)  # type: ignore[arg-type]
    live_peer.registration.set_tool_key_set({"keys": []})
    _submit(db, context_id, lena)
    assert deliver(engine, worker).failed == 1
    error = rows(engine)[-1].last_error or ""
    assert "HTTP 401" in error and "Unable to find public key" in error
    assert live_peer.requests["token"] == 2
    assert live_peer.book.score_log == []


def test_a_platform_that_granted_no_ags_scope_gets_no_calls(live_tool, client, db, engine, worker):
    with other_peer(
        live_tool, db, granted_scopes=frozenset({MEMBERSHIPS}), registered_scopes=[MEMBERSHIPS]
    ) as peer:
        context_id, lena = learner_launched(client, peer, db)
        row = _submit(db, context_id, lena)
        assert row.status == OutboxStatus.SKIPPED
        assert row.skipped_reason == SKIP_NO_SCORE_SCOPE
        assert deliver(engine, worker).processed == 0
        assert not {"token", "lineitems", "scores"} & set(peer.requests)

        _, admin_token = landing(peer.launch(client, ADMIN))
        page = client.get(f"/c/{context_id}/lti/lms-calls", params={"kt": admin_token})
        assert page.status_code == 200
        assert "übersprungen" in page.text and SKIP_NO_SCORE_SCOPE in page.text


def test_launches_without_an_ags_claim_are_skipped_with_the_reason(
    live_tool, client, db, engine, worker
):
    """Registered by hand (scopes unknown): the launch without AGS claim decides."""
    with other_peer(live_tool, db, granted_scopes=frozenset({MEMBERSHIPS})) as peer:
        context_id, lena = learner_launched(client, peer, db)
        row = _submit(db, context_id, lena)
        assert (row.status, row.skipped_reason) == (OutboxStatus.SKIPPED, SKIP_NO_GRADE_SERVICE)
        assert deliver(engine, worker).processed == 0
        assert not {"token", "lineitems", "scores"} & set(peer.requests)


def test_a_column_deleted_in_the_lms_is_created_again_and_the_score_arrives(
    client, live_peer, db, engine, worker
):
    """A teacher deletes Kurswerk's column: the next score gets 404 from the platform's own
    handler, the column is created once more (its new id stored) and the score sent."""
    context_id, lena = learner_launched(client, live_peer, db)
    _submit(db, context_id, lena)
    assert deliver(engine, worker).sent == 1
    [old_key] = live_peer.book.line_items
    del live_peer.book.line_items[old_key]  # deleted by a teacher in the LMS

    _release(db, context_id, lena, comment="Gute Analyse der Zielgruppe.")
    report = deliver(engine, worker)
    assert (report.sent, report.failed) == (1, 0)
    [(new_key, column)] = live_peer.book.line_items.items()
    assert new_key != old_key and column["resourceId"] == EXERCISE.resource_id
    released = live_peer.book.scores[(new_key, LEARNER.user_id)]
    assert released["comment"] == "Gute Analyse der Zielgruppe."
    with Session(engine) as session:
        [known] = session.exec(select(LineItem)).all()
    assert known.lineitem_url == column["id"]

    _release(db, context_id, lena, key="release:2", comment="Noch einmal.")
    assert deliver(engine, worker).sent == 1  # the stored new column is used directly
    assert len(live_peer.book.line_items) == 1


def test_a_column_that_is_refused_again_after_recreation_fails_without_a_loop(
    client, live_peer, db, engine, worker
):
    context_id, lena = learner_launched(client, live_peer, db)
    _submit(db, context_id, lena)
    assert deliver(engine, worker).sent == 1
    live_peer.book.line_items.clear()
    live_peer.fail_next["scores"] = [404, 404]
    _release(db, context_id, lena)
    report = deliver(engine, worker)
    assert (report.sent, report.failed) == (0, 1)
    assert live_peer.requests["scores"] == 3  # the submit, then the release twice
    assert len(live_peer.book.line_items) == 1  # created again once, not in a loop


def test_a_resubmission_after_release_keeps_the_released_score_and_comment_visible(
    client, live_peer, db, engine, worker
):
    """Moodle empties grade and comment for a score without ``scoreGiven``: after a
    release, a new version must not blank the learner's visible feedback."""
    context_id, lena = learner_launched(client, live_peer, db)
    _submit(db, context_id, lena)
    _release(db, context_id, lena, comment="Gute Analyse der Zielgruppe.")
    assert deliver(engine, worker).sent == 2
    [key] = live_peer.book.line_items

    _submit(db, context_id, lena, key="submit:2")  # a second version
    assert deliver(engine, worker).sent == 1
    shown = live_peer.book.scores[(key, LEARNER.user_id)]
    assert (shown["activityProgress"], shown["gradingProgress"]) == ("Submitted", "FullyGraded")
    assert (shown["scoreGiven"], shown["scoreMaximum"]) == (1.0, 1.0)
    assert shown["comment"] == "Gute Analyse der Zielgruppe."
    assert len(live_peer.book.score_log) == 3  # it did arrive, as a new score

    _release(db, context_id, lena, key="release:2", comment="Die zweite Fassung trägt.")
    assert deliver(engine, worker).sent == 1
    second = live_peer.book.scores[(key, LEARNER.user_id)]
    assert (second["activityProgress"], second["gradingProgress"]) == ("Completed", "FullyGraded")
    assert second["comment"] == "Die zweite Fassung trägt."


def test_a_first_submission_still_says_awaiting_grading_without_a_score(
    client, live_peer, db, engine, worker
):
    context_id, lena = learner_launched(client, live_peer, db)
    _submit(db, context_id, lena)
    _submit(db, context_id, lena, key="submit:2")  # a second version before any release
    assert deliver(engine, worker).sent == 2
    [shown] = live_peer.book.scores.values()
    assert (shown["activityProgress"], shown["gradingProgress"]) == ("Submitted", "PendingManual")
    assert "scoreGiven" not in shown and "comment" not in shown
