"""Grades to the LMS (AGS 2.0) through the outbox, against the live LMS simulator: the
line item is created once, scores arrive once, access tokens are reused, and each way a
platform fails is handled as the issue asks (401 → one fresh token, then recorded; 5xx
or down → retried until it arrives, once; other 4xx → recorded with the answer; a
platform without the AGS scope → skipped with a note)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, select

from kurswerk.core.clock import utcnow
from kurswerk.core.outbox.queue import OutboxMessage, OutboxStatus, RetryPolicy, deliver_due
from lti import ags, service
from lti.ags import (
    SKIP_CANNOT_CREATE,
    SKIP_NO_COURSE_SCORE_SCOPE,
    SKIP_NO_GRADE_SERVICE,
    SKIP_NO_SCORE_SCOPE,
)
from lti.ags_delivery import LmsCallHandler, scores_url
from lti.models import LineItem
from lti.service_client import AccessTokens, ServiceClient
from tests.lti.advantage import (
    context_of,
    landing,
    launch,
    register_simulator,
    restart_simulator,
    start_simulator,
    user,
)
from tests.lti.catalog import EXERCISE, EXERCISE_TARGET

POLICY = RetryPolicy(max_attempts=5, backoff_seconds=1, backoff_cap_seconds=8)
SCORE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
MEMBERSHIPS = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def handler(engine, settings, clock) -> LmsCallHandler:
    """The worker's handler, with a clock the test moves (token lifetimes)."""
    real = service.lms_call_handler(settings, engine)
    assert isinstance(real, LmsCallHandler)
    tokens = real.client.tokens
    return LmsCallHandler(
        engine,
        ServiceClient(
            AccessTokens(
                http=tokens.http,
                timeout_seconds=2.0,
                signing_key=tokens._signing_key,
                clock=clock,
            )
        ),
    )


def deliver(engine, handler, *, at=None):
    return deliver_due(engine, {service.LMS_CALL: handler}, policy=POLICY, now=at)


def rows(engine) -> list[OutboxMessage]:
    """The grade rows (a launch may also ask for a roster reading: ``roster_refresh``)."""
    with Session(engine) as session:
        return list(
            session.exec(
                select(OutboxMessage)
                .where(OutboxMessage.kind == service.LMS_CALL)
                .order_by(OutboxMessage.id)
            ).all()
        )


def _learner_launched(client, sim, db, **query):
    landing(launch(client, sim, "lena", **query))
    return context_of(db).id, user(db, sim.config.person("lena").sub).id


def _submit(db, context_id, user_id, key="submit:1", line_item=EXERCISE, **kwargs):
    row = service.grade_submitted(
        db, context_id=context_id, user_id=user_id, line_item=line_item, key=key, **kwargs
    )
    db.commit()
    return row


def _release(db, context_id, user_id, key="release:1", comment="Gute Analyse.", **kwargs):
    row = service.grade_feedback_released(
        db,
        context_id=context_id,
        user_id=user_id,
        line_item=EXERCISE,
        comment=comment,
        key=key,
        **kwargs,
    )
    db.commit()
    return row


def test_submit_then_release_create_one_column_and_two_scores_with_one_token(
    client, sim, db, engine, handler
):
    context_id, lena = _learner_launched(client, sim, db)
    _submit(db, context_id, lena)
    assert deliver(engine, handler).sent == 1
    [column] = sim.course.line_items.values()
    assert (column.resource_id, column.label, column.score_maximum) == (
        EXERCISE.resource_id,
        EXERCISE.label,
        1.0,
    )
    submitted = sim.course.scores[(column.id, "2001")]
    assert (submitted.activity_progress, submitted.grading_progress) == (
        "Submitted",
        "PendingManual",
    )
    assert submitted.score_given is None and submitted.comment is None

    _release(db, context_id, lena, comment="Gute Analyse der Zielgruppe.")
    assert deliver(engine, handler).sent == 1
    released = sim.course.scores[(column.id, "2001")]
    assert (released.activity_progress, released.grading_progress) == ("Completed", "FullyGraded")
    assert (released.score_given, released.score_maximum) == (1.0, 1.0)
    assert released.comment == "Gute Analyse der Zielgruppe."
    assert len(sim.course.line_items) == 1  # found again, not created twice
    assert sim.course.requests["token"] == 1
    with Session(engine) as session:
        [known] = session.exec(select(LineItem)).all()
    assert known.lineitem_url == sim.config.lineitem_url(column.id)


def test_many_scores_share_one_token_until_it_nears_expiry(client, sim, db, engine, handler, clock):
    context_id, lena = _learner_launched(client, sim, db)
    for n in range(6):
        _submit(db, context_id, lena, key=f"submit:{n}")
    assert deliver(engine, handler).sent == 6
    assert sim.course.requests["token"] == 1
    assert sim.course.requests["scores"] == 6

    clock.now += 3600 - 120  # not yet within the refresh margin (60 s)
    _submit(db, context_id, lena, key="submit:later")
    deliver(engine, handler)
    assert sim.course.requests["token"] == 1
    clock.now += 90  # 30 s before expiry: a fresh token
    _submit(db, context_id, lena, key="submit:last")
    deliver(engine, handler)
    assert sim.course.requests["token"] == 2


def test_the_token_cache_is_per_client_id(handler):
    from lti.service_client import ServiceRegistration

    a = ServiceRegistration(1, "https://canvas.instructure.com", "tenant-a", "https://t/token")
    b = ServiceRegistration(2, "https://canvas.instructure.com", "tenant-b", "https://t/token")
    assert AccessTokens.key(a, [SCORE]) != AccessTokens.key(b, [SCORE])
    assert AccessTokens.key(a, [SCORE, MEMBERSHIPS]) == AccessTokens.key(a, [MEMBERSHIPS, SCORE])


def test_a_revoked_token_is_replaced_once_and_the_score_arrives(client, sim, db, engine, handler):
    context_id, lena = _learner_launched(client, sim, db)
    _submit(db, context_id, lena, key="a")
    deliver(engine, handler)
    sim.app.state.tokens.revoke_all()  # the platform forgets its tokens
    _release(db, context_id, lena, key="b")
    report = deliver(engine, handler)
    assert report.sent == 1
    assert sim.course.requests["token"] == 2
    assert sim.course.requests["scores"] == 3  # 1 + (401, then with the fresh token)


def test_a_second_401_is_recorded_with_the_platforms_answer(client, sim, db, engine, handler):
    context_id, lena = _learner_launched(client, sim, db)
    _submit(db, context_id, lena, key="a")
    deliver(engine, handler)
    sim.course.faults.fail_next["scores"] = [401, 401]
    _release(db, context_id, lena, key="b")
    report = deliver(engine, handler)
    assert (report.sent, report.failed) == (0, 1)
    failed = rows(engine)[-1]
    assert failed.status == OutboxStatus.FAILED
    assert "401" in (failed.last_error or "") and "simulated failure" in (failed.last_error or "")
    assert sim.course.requests["token"] == 2  # one re-authentication, not more
    assert sim.course.requests["scores"] == 3
    # Nothing more happens later: permanent.
    assert deliver(engine, handler, at=utcnow() + timedelta(days=1)).processed == 0


def test_a_token_endpoint_401_is_asked_once_more_then_recorded(client, sim, db, engine, handler):
    context_id, lena = _learner_launched(client, sim, db)
    sim.course.faults.fail_next["token"] = [401]
    _submit(db, context_id, lena, key="a")
    assert deliver(engine, handler).sent == 1  # the second token request worked
    assert sim.course.requests["token"] == 2

    sim.app.state.tokens.revoke_all()
    sim.course.faults.fail_next["token"] = [401, 401]
    _release(db, context_id, lena, key="b")
    report = deliver(engine, handler)
    assert report.failed == 1
    assert "token endpoint" in (rows(engine)[-1].last_error or "")


def test_a_failing_platform_is_retried_and_the_score_arrives_once(client, sim, db, engine, handler):
    context_id, lena = _learner_launched(client, sim, db)
    sim.course.faults.fail_next["scores"] = [503, 500]
    _submit(db, context_id, lena)
    first = deliver(engine, handler)
    assert (first.sent, first.retrying) == (0, 1)
    assert deliver(engine, handler).processed == 0  # backing off
    second = deliver(engine, handler, at=utcnow() + timedelta(seconds=10))
    assert second.retrying == 1
    third = deliver(engine, handler, at=utcnow() + timedelta(seconds=60))
    assert third.sent == 1
    assert len(sim.course.score_log) == 1
    assert sim.course.duplicate_scores == 0


def test_a_platform_that_is_down_then_up_gets_the_score_once(app, db, engine, handler, client):
    sim = start_simulator(app)
    try:
        register_simulator(db, sim.config)
        context_id, lena = _learner_launched(client, sim, db)
        sim.server.stop()  # the platform goes down
        _submit(db, context_id, lena)
        down = deliver(engine, handler)
        assert down.retrying == 1
        assert "unreachable" in (rows(engine)[-1].last_error or "")

        restart_simulator(sim)  # and comes back, same state
        up = deliver(engine, handler, at=utcnow() + timedelta(seconds=60))
        assert up.sent == 1
        assert len(sim.course.score_log) == 1
    finally:
        sim.server.stop()


def test_an_answer_lost_after_storing_is_recognised_as_the_same_score(
    client, sim, db, engine, handler
):
    context_id, lena = _learner_launched(client, sim, db)
    sim.course.faults.fail_after_store_rate = 1.0  # stored, then 502
    _submit(db, context_id, lena)
    assert deliver(engine, handler).retrying == 1
    sim.course.faults.fail_after_store_rate = 0.0
    assert deliver(engine, handler, at=utcnow() + timedelta(seconds=60)).sent == 1
    assert len(sim.course.score_log) == 1  # stored once
    assert sim.course.duplicate_scores == 1  # the repeat carried the same timestamp


def test_a_refusal_is_recorded_with_the_answer_and_shown_to_admins(
    client, sim, db, engine, handler
):
    context_id, lena = _learner_launched(client, sim, db)
    _submit(db, context_id, lena, key="a")
    deliver(engine, handler)
    sim.course.faults.fail_next["scores"] = [422]
    _release(db, context_id, lena, key="b")
    assert deliver(engine, handler).failed == 1

    path, admin_token = landing(launch(client, sim, "ada"))
    page = client.get(f"/c/{context_id}/lti/lms-calls", params={"kt": admin_token})
    assert page.status_code == 200
    assert "abgelehnt" in page.text and "HTTP 422" in page.text
    assert "Completed / FullyGraded" in page.text

    _, tutor_token = landing(launch(client, sim, "tom"))
    client.cookies.clear()
    forbidden = client.get(f"/c/{context_id}/lti/lms-calls", params={"kt": tutor_token})
    assert forbidden.status_code == 403


def test_an_older_score_than_the_platforms_is_not_an_error(client, sim, db, engine, handler):
    context_id, lena = _learner_launched(client, sim, db)
    now = utcnow()
    _release(db, context_id, lena, key="late-release", now=now)
    _submit(db, context_id, lena, key="early-submit", now=now - timedelta(minutes=5))
    report = deliver(engine, handler)
    assert report.sent == 2  # the platform answers 409 for the older one: done
    [(_, kept)] = [(k, s) for k, s in sim.course.scores.items()]
    assert kept.grading_progress == "FullyGraded"


def test_a_deep_linked_exercise_uses_its_own_column(client, sim, db, engine, handler, catalog):
    column = sim.course.add_line_item(
        label="Spalte aus dem Deep Link",
        score_maximum=1,
        resource_id=EXERCISE.resource_id,
        resource_link_id=None,
    )
    from kurswerk.devplatform.lms import ResourceLink

    link = ResourceLink(
        id="dl-exercise",
        title="Übung",
        custom={"kurswerk_target": EXERCISE_TARGET},
        line_item_id=column.id,
    )
    sim.course.add_link(link)
    context_id, lena = _learner_launched(client, sim, db, link="dl-exercise")
    row = _submit(db, context_id, lena)
    assert row.payload["lineitem_url"] == sim.config.lineitem_url(column.id)
    assert deliver(engine, handler).sent == 1
    assert sim.course.requests["lineitems"] == 0  # neither looked up nor created
    assert (column.id, "2001") in sim.course.scores


def test_a_deep_linked_column_deleted_in_the_lms_is_not_made_again_by_kurswerk(
    client, sim, db, engine, handler
):
    """The LMS activity's own column is the LMS's to make: its 404 is recorded, and no
    column of Kurswerk's appears beside it."""
    from kurswerk.devplatform.lms import ResourceLink

    column = sim.course.add_line_item(
        label="Spalte aus dem Deep Link", score_maximum=1, resource_id=EXERCISE.resource_id
    )
    link = ResourceLink(
        id="dl-exercise",
        title="Übung",
        custom={"kurswerk_target": EXERCISE_TARGET},
        line_item_id=column.id,
    )
    sim.course.add_link(link)
    context_id, lena = _learner_launched(client, sim, db, link="dl-exercise")
    del sim.course.line_items[column.id]  # deleted with its activity
    _submit(db, context_id, lena)
    assert deliver(engine, handler).failed == 1
    assert "HTTP 404" in (rows(engine)[-1].last_error or "")
    assert sim.course.line_items == {} and sim.course.requests["lineitems"] == 0


def test_a_column_the_platform_already_has_is_found_not_duplicated(
    client, sim, db, engine, handler
):
    existing = sim.course.add_line_item(
        label="Schon da", score_maximum=1, resource_id=EXERCISE.resource_id
    )
    context_id, lena = _learner_launched(client, sim, db)
    _submit(db, context_id, lena)
    assert deliver(engine, handler).sent == 1
    assert list(sim.course.line_items) == [existing.id]
    assert (existing.id, "2001") in sim.course.scores


# --- skipped, with a note ----------------------------------------------------------------


def test_a_platform_that_granted_no_ags_scope_gets_no_calls(app, client, db, engine, handler):
    sim = start_simulator(app, granted_scopes=(MEMBERSHIPS,))
    try:
        register_simulator(db, sim.config, granted_scopes=[MEMBERSHIPS])
        context_id, lena = _learner_launched(client, sim, db)
        row = _submit(db, context_id, lena)
        assert row.status == OutboxStatus.SKIPPED
        assert row.skipped_reason == SKIP_NO_SCORE_SCOPE
        assert deliver(engine, handler).processed == 0
        assert not {"token", "scores", "lineitems"} & set(sim.course.requests)

        _, admin_token = landing(launch(client, sim, "ada"))
        page = client.get(f"/c/{context_id}/lti/lms-calls", params={"kt": admin_token})
        assert "übersprungen" in page.text and SKIP_NO_SCORE_SCOPE in page.text
    finally:
        sim.server.stop()


def test_a_course_whose_launches_carry_no_ags_claim_is_skipped(app, client, db, engine):
    sim = start_simulator(app, granted_scopes=(MEMBERSHIPS,))
    try:
        register_simulator(db, sim.config)  # by hand: scopes unknown
        context_id, lena = _learner_launched(client, sim, db)
        assert _submit(db, context_id, lena).skipped_reason == SKIP_NO_GRADE_SERVICE
    finally:
        sim.server.stop()


def test_score_scope_missing_from_the_launch_claim_is_skipped(app, client, db):
    readonly = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly"
    sim = start_simulator(app, granted_scopes=(readonly,))
    try:
        register_simulator(db, sim.config)
        context_id, lena = _learner_launched(client, sim, db)
        assert _submit(db, context_id, lena).skipped_reason == SKIP_NO_COURSE_SCORE_SCOPE
    finally:
        sim.server.stop()


def test_without_the_line_item_scope_no_column_can_be_created(app, client, db):
    sim = start_simulator(app, granted_scopes=(SCORE,))
    try:
        register_simulator(db, sim.config)
        context_id, lena = _learner_launched(client, sim, db)
        assert _submit(db, context_id, lena).skipped_reason == SKIP_CANNOT_CREATE
    finally:
        sim.server.stop()


# --- programming errors and small rules ----------------------------------------------


def test_enqueue_refuses_what_cannot_be_right(client, sim, db):
    context_id, lena = _learner_launched(client, sim, db)
    with pytest.raises(ValueError):
        ags.enqueue_score(
            db,
            context_id=context_id,
            user_id=lena,
            line_item=EXERCISE,
            activity_progress=ags.ActivityProgress.COMPLETED,
            grading_progress=ags.GradingProgress.FULLY_GRADED,
            score_given=1,
            key="x",
        )
    with pytest.raises(ValueError):
        _submit(db, context_id, 99999)
    with pytest.raises(ValueError):
        ags.enqueue_score(
            db,
            context_id=context_id,
            user_id=lena,
            line_item=EXERCISE,
            activity_progress="Done",  # type: ignore[arg-type]
            grading_progress=ags.GradingProgress.FULLY_GRADED,
            key="y",
        )


def test_the_same_key_enqueues_once(client, sim, db, engine, handler):
    context_id, lena = _learner_launched(client, sim, db)
    _submit(db, context_id, lena, key="same")
    _submit(db, context_id, lena, key="same")
    assert len(rows(engine)) == 1


def test_a_long_comment_is_shortened(client, sim, db):
    context_id, lena = _learner_launched(client, sim, db)
    row = _release(db, context_id, lena, comment="x" * 10_000)
    assert len(row.payload["score"]["comment"]) == 4000


@pytest.mark.parametrize(
    ("lineitem", "scores"),
    [
        ("https://lms.example/li/5", "https://lms.example/li/5/scores"),
        ("https://lms.example/li/5/", "https://lms.example/li/5/scores"),
        (
            "https://moodle.example/mod/lti/services.php/2/lineitems/5/lineitem?type_id=1",
            "https://moodle.example/mod/lti/services.php/2/lineitems/5/lineitem/scores?type_id=1",
        ),
    ],
)
def test_scores_url_appends_to_the_path(lineitem, scores):
    assert scores_url(lineitem) == scores


def test_our_client_assertion_is_accepted_by_lti1p3platform(client, app):
    """Another implementation's token endpoint accepts what the tool signs."""
    from lti1p3platform.registration import Registration

    from lti.service_client import ServiceRegistration
    from tests.lti.peer import PeerPlatformConf, new_key_pems

    private, public = new_key_pems()
    registration = (
        Registration()
        .set_iss("https://peer.example")
        .set_client_id("peer-client")
        .set_deployment_id("d")
        .set_platform_private_key(private)
        .set_platform_public_key(public)
    )
    registration.set_tool_key_set(client.get("/lti/jwks").json())
    conf = PeerPlatformConf(registration=registration)
    tokens = AccessTokens(
        http=None,  # type: ignore[arg-type] - no request is sent here
        timeout_seconds=1,
        signing_key=app.state.lti.tool_key,
    )
    assertion = tokens.client_assertion(
        ServiceRegistration(1, "https://peer.example", "peer-client", "https://peer.example/t")
    )
    answer = conf.get_access_token(
        {
            "grant_type": "client_credentials",
            "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            "client_assertion": assertion,
            "scope": SCORE,
        }
    )
    assert answer["access_token"] and answer["scope"] == SCORE


# --- several workers, one new column -------------------------------------------------


def test_only_one_worker_creates_a_new_column_the_others_wait(client, sim, db, engine, handler):
    from lti.ags_delivery import LineItemPending

    context_id, _ = _learner_launched(client, sim, db)
    assert handler._claim(context_id, "exercise:x") is None  # this worker creates it
    with pytest.raises(LineItemPending):
        handler._claim(context_id, "exercise:x")  # another worker waits
    handler._record(context_id, "exercise:x", "https://lms.example/li/9")
    assert handler._claim(context_id, "exercise:x") == "https://lms.example/li/9"


def test_a_claim_left_by_a_dead_worker_is_taken_over(client, sim, db, engine, handler):
    from lti.ags_delivery import CLAIM_TIMEOUT, LineItemPending

    context_id, _ = _learner_launched(client, sim, db)
    assert handler._claim(context_id, "exercise:y") is None
    with pytest.raises(LineItemPending):
        handler._claim(context_id, "exercise:y")
    claim = db.exec(select(LineItem).where(LineItem.resource_id == "exercise:y")).one()
    claim.created_at = utcnow() - CLAIM_TIMEOUT - timedelta(seconds=1)
    db.add(claim)
    db.commit()
    assert handler._claim(context_id, "exercise:y") is None


def test_a_failed_creation_releases_the_claim(client, sim, db, engine, handler):
    context_id, lena = _learner_launched(client, sim, db)
    sim.course.faults.fail_next["lineitems"] = [503]
    _submit(db, context_id, lena)
    assert deliver(engine, handler).retrying == 1
    assert db.exec(select(LineItem)).all() == []  # no claim left behind
    assert deliver(engine, handler, at=utcnow() + timedelta(seconds=60)).sent == 1


def test_concurrent_workers_make_one_column_and_deliver_every_score(
    client, app, db, engine, settings
):
    import threading

    from kurswerk.devplatform.config import LEARNER, Person

    people = tuple(
        Person(f"p{n}", f"{5000 + n}", "P", f"{n}", f"p{n}@example.org", (LEARNER,), "TN")
        for n in range(12)
    )
    sim = start_simulator(app, people=people)
    try:
        register_simulator(db, sim.config)
        for person in people:
            landing(launch(client, sim, person.key))
        context_id = context_of(db).id
        for person in people:
            _submit(db, context_id, user(db, person.sub).id, key=f"s:{person.sub}")
        handlers = {service.LMS_CALL: service.lms_call_handler(settings, engine)}
        fast = RetryPolicy(max_attempts=50, backoff_seconds=0.01, backoff_cap_seconds=0.05)
        start = threading.Barrier(4)

        def work() -> None:
            start.wait()
            for _ in range(400):
                if all(row.status == OutboxStatus.SENT for row in rows(engine)):
                    return
                deliver_due(engine, handlers, batch=3, policy=fast)

        threads = [threading.Thread(target=work) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert {row.status for row in rows(engine)} == {OutboxStatus.SENT}
        assert len(sim.course.line_items) == 1
        assert len(sim.course.score_log) == 12
        assert sim.course.duplicate_scores == 0
    finally:
        sim.server.stop()


def test_kurswerk_worker_delivers_scores(client, sim, db, engine, monkeypatch, database_url):
    from kurswerk import cli
    from kurswerk.core.settings import get_settings

    context_id, lena = _learner_launched(client, sim, db)
    _submit(db, context_id, lena)
    monkeypatch.setenv("KURSWERK_DATABASE_URL", database_url)
    monkeypatch.setenv("KURSWERK_ENV", "test")
    get_settings.cache_clear()
    try:
        assert cli.main(["worker", "--once"]) == 0
    finally:
        get_settings.cache_clear()
    assert [row.status for row in rows(engine)] == [OutboxStatus.SENT]
    assert len(sim.course.score_log) == 1
