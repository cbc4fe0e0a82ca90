"""An admin sends a refused LMS call once more from the LMS calls page: a POST with the
CSRF token, for a refused call of their own platform and course only. The attacks are
the tests: another course's admin, another platform's admin, a tutor, no CSRF token."""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from kurswerk.core.auth import SESSION_QUERY, Principal, SessionCodec
from kurswerk.core.outbox.queue import OutboxMessage, OutboxStatus, deliver_due
from lti import service
from lti.models import LmsContext, Platform
from tests.lti.advantage import landing, launch
from tests.lti.test_ags import POLICY, _learner_launched, _release, _submit


@pytest.fixture
def worker(settings, engine):
    return service.lms_call_handler(settings, engine)


def _deliver(engine, worker):
    return deliver_due(engine, {service.LMS_CALL: worker}, policy=POLICY)


def _principal(app, token: str) -> Principal:
    principal = app.state.session_codec.read_page_token(token)
    assert principal is not None
    return principal


def _retry(client: TestClient, app, principal: Principal, call_id: int, *, csrf: bool = True):
    codec: SessionCodec = app.state.session_codec
    client.cookies.clear()
    return client.post(
        f"/c/{principal.context_id}/lti/lms-calls/{call_id}/retry",
        params={SESSION_QUERY: codec.issue(principal)},
        data={"csrf_token": codec.csrf_token(principal) if csrf else ""},
        follow_redirects=False,
    )


def _refused(client, sim, db, engine, worker) -> tuple[int, int]:
    """A release the LMS refused (422): the failed row's id and the course's id."""
    context_id, lena = _learner_launched(client, sim, db)
    _submit(db, context_id, lena, key="a")
    _deliver(engine, worker)
    sim.course.faults.fail_next["scores"] = [422]
    row = _release(db, context_id, lena, key="b", comment="Gute Analyse.")
    assert _deliver(engine, worker).failed == 1
    return row.id, context_id


def _status(engine, call_id: int) -> OutboxMessage:
    with Session(engine) as session:
        row = session.get(OutboxMessage, call_id)
        assert row is not None
        return row


def test_an_admin_retries_a_refused_call_and_the_score_arrives(
    client, sim, app, db, engine, worker
):
    call_id, context_id = _refused(client, sim, db, engine, worker)
    _, admin_token = landing(launch(client, sim, "ada"))
    admin = _principal(app, admin_token)
    page = client.get(f"/c/{context_id}/lti/lms-calls", params={SESSION_QUERY: admin_token})
    assert f"/lti/lms-calls/{call_id}/retry" in page.text and "Erneut senden" in page.text

    answer = _retry(client, app, admin, call_id)
    assert answer.status_code == 303
    location = urlsplit(answer.headers["location"])
    assert location.path == f"/c/{context_id}/lti/lms-calls"
    assert parse_qs(location.query)["retried"] == ["1"]
    row = _status(engine, call_id)
    assert (row.status, row.attempts) == (OutboxStatus.PENDING, 0)
    assert _deliver(engine, worker).sent == 1
    [kept] = sim.course.scores.values()
    assert (kept.grading_progress, kept.comment) == ("FullyGraded", "Gute Analyse.")

    again = _retry(client, app, admin, call_id)  # sent now: nothing left to retry
    assert again.status_code == 404
    assert _status(engine, call_id).status == OutboxStatus.SENT


def _refused_retry_changes_nothing(answer: httpx.Response, engine, call_id: int) -> None:
    assert answer.status_code in (403, 404), answer.text
    row = _status(engine, call_id)
    assert (row.status, row.attempts) == (OutboxStatus.FAILED, 1)


def test_an_admin_of_another_course_cannot_retry_the_call(client, sim, app, db, engine, worker):
    call_id, context_id = _refused(client, sim, db, engine, worker)
    admin = _principal(app, landing(launch(client, sim, "ada"))[1])
    other = LmsContext(platform_id=admin.platform_id, lms_context_id="other-course", title="B")
    db.add(other)
    db.commit()
    assert other.id is not None and other.id != context_id
    answer = _retry(client, app, replace(admin, context_id=other.id), call_id)
    _refused_retry_changes_nothing(answer, engine, call_id)
    assert answer.status_code == 404


def test_an_admin_of_another_platform_cannot_retry_the_call(client, sim, app, db, engine, worker):
    call_id, context_id = _refused(client, sim, db, engine, worker)
    admin = _principal(app, landing(launch(client, sim, "ada"))[1])
    platform = Platform(
        issuer="https://other-lms.example",
        client_id="x",
        auth_login_url="https://other-lms.example/login",
        auth_token_url="https://other-lms.example/token",
        keyset_url="https://other-lms.example/jwks",
    )
    db.add(platform)
    db.flush()
    assert platform.id is not None
    # the same LMS course id, on another platform: still not theirs
    course = db.get(LmsContext, context_id)
    assert course is not None
    other = LmsContext(platform_id=platform.id, lms_context_id=course.lms_context_id)
    db.add(other)
    db.commit()
    assert other.id is not None
    for intruder in (
        replace(admin, platform_id=platform.id, context_id=other.id),
        replace(admin, platform_id=platform.id),  # even in the call's own course URL
    ):
        _refused_retry_changes_nothing(_retry(client, app, intruder, call_id), engine, call_id)


def test_a_tutor_or_a_post_without_csrf_cannot_retry(client, sim, app, db, engine, worker):
    call_id, _ = _refused(client, sim, db, engine, worker)
    tutor = _principal(app, landing(launch(client, sim, "tom"))[1])
    admin = _principal(app, landing(launch(client, sim, "ada"))[1])
    assert _retry(client, app, tutor, call_id).status_code == 403
    assert _retry(client, app, admin, call_id, csrf=False).status_code == 403
    _refused_retry_changes_nothing(_retry(client, app, tutor, call_id), engine, call_id)
