"""Claims (coaching issue §3, §5): one tutor at a time, atomic against a concurrent claim,
expiring, taken over only with a confirmation (by another tutor once expired, by an admin
at any time)."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from feedback import claims, drafts
from feedback.claims import ClaimOutcome
from feedback.models import ReviewClaim
from kurswerk.core.db import new_session
from tests.feedback.helpers import claim, claim_row, path, save, status_of, text_of
from uploads.models import SubmissionStatus

TTL = timedelta(hours=2)


def expire_claim(db, sid: int) -> None:
    row = claim_row(db, sid)
    row.expires_at = row.claimed_at - timedelta(minutes=1)
    db.add(row)
    db.commit()


def test_claiming_sets_in_review_and_names_the_tutor(web, world, make_submission, db):
    submission = make_submission(world.learner)
    response = claim(web, world.tutor, submission.id)
    assert response.status_code == 303
    assert "done=claimed" in response.headers["location"]
    assert status_of(db, submission.id) == "in_review"
    assert claim_row(db, submission.id).tutor_user_id == world.tutor.principal.user_id
    page = web.get(response.headers["location"])
    assert "Sie haben die Einreichung übernommen." in page.text
    assert "Sie bearbeiten diese Einreichung" in page.text


def test_a_second_tutor_is_told_who_holds_it_and_changes_nothing(web, world, make_submission, db):
    submission = make_submission(world.learner)
    claim(web, world.tutor, submission.id)
    before = claim_row(db, submission.id)
    response = claim(web, world.tutor2, submission.id)
    assert response.status_code == 409
    assert "Tilda Tutorin hat diese Einreichung bereits übernommen" in text_of(response)
    after = claim_row(db, submission.id)
    assert (after.tutor_user_id, after.expires_at) == (before.tutor_user_id, before.expires_at)
    # Even naming the holder as if confirmed cannot take an active claim.
    forced = claim(web, world.tutor2, submission.id, takeover_from=world.tutor.principal.user_id)
    assert forced.status_code == 409
    assert claim_row(db, submission.id).tutor_user_id == world.tutor.principal.user_id


def test_claiming_again_renews_and_keeps_the_start(web, world, make_submission, db):
    submission = make_submission(world.learner)
    claim(web, world.tutor, submission.id)
    first = claim_row(db, submission.id)
    response = claim(web, world.tutor, submission.id)
    assert "done=renewed" in response.headers["location"]
    again = claim_row(db, submission.id)
    assert again.claimed_at == first.claimed_at and again.expires_at >= first.expires_at


def test_an_expired_claim_is_taken_over_only_after_confirming(web, world, make_submission, db):
    submission = make_submission(world.learner)
    claim(web, world.tutor, submission.id)
    expire_claim(db, submission.id)

    asked = claim(web, world.tutor2, submission.id)
    assert asked.status_code == 200
    assert "Übernahme bestätigen" in asked.text
    assert "Die Vormerkung von Tilda Tutorin ist abgelaufen" in asked.text
    assert claim_row(db, submission.id).tutor_user_id == world.tutor.principal.user_id

    confirmed = claim(web, world.tutor2, submission.id, takeover_from=world.tutor.principal.user_id)
    assert confirmed.status_code == 303 and "done=taken_over" in confirmed.headers["location"]
    assert claim_row(db, submission.id).tutor_user_id == world.tutor2.principal.user_id


def test_the_former_holder_can_no_longer_save_and_keeps_their_text(web, world, make_submission, db):
    submission = make_submission(world.learner)
    claim(web, world.tutor, submission.id)
    save(web, world.tutor, submission.id, "Erster Entwurf")
    expire_claim(db, submission.id)
    claim(web, world.tutor2, submission.id, takeover_from=world.tutor.principal.user_id)

    late = save(web, world.tutor, submission.id, "Mein späterer, ungespeicherter Text")
    assert late.status_code == 409
    assert "Theo Tutor bearbeitet diese Einreichung inzwischen" in text_of(late)
    assert "Mein späterer, ungespeicherter Text" in late.text  # offered for copying
    db.expire_all()
    assert drafts.current_draft(db, submission.id).body_markdown == "Erster Entwurf"


def test_a_confirmation_does_not_take_a_claim_someone_else_made_since(
    web, world, make_submission, db
):
    submission = make_submission(world.learner)
    claim(web, world.tutor, submission.id)
    expire_claim(db, submission.id)
    claim(web, world.tutor2, submission.id)  # asks tutor2 to confirm taking it from tutor
    # Meanwhile the admin confirms a takeover from tutor and gets it.
    claim(web, world.admin, submission.id, takeover_from=world.tutor.principal.user_id)
    # tutor2's confirmation names tutor, who no longer holds it: refused.
    late = claim(web, world.tutor2, submission.id, takeover_from=world.tutor.principal.user_id)
    assert late.status_code == 409
    assert claim_row(db, submission.id).tutor_user_id == world.admin.principal.user_id


def test_an_admin_can_take_over_an_active_claim_with_a_confirmation(
    web, world, make_submission, db
):
    submission = make_submission(world.learner)
    claim(web, world.tutor, submission.id)
    page = web.get(path(world.admin, f"/review/{submission.id}"))
    assert "Übernehmen …" in page.text  # offered to the admin on an active claim
    assert "Übernehmen …" not in web.get(path(world.tutor2, f"/review/{submission.id}")).text

    asked = claim(web, world.admin, submission.id)
    assert asked.status_code == 200
    assert "Als Administrator:in können Sie sie trotzdem übernehmen" in asked.text
    assert claim_row(db, submission.id).tutor_user_id == world.tutor.principal.user_id
    done = claim(web, world.admin, submission.id, takeover_from=world.tutor.principal.user_id)
    assert done.status_code == 303
    assert claim_row(db, submission.id).tutor_user_id == world.admin.principal.user_id


def test_giving_a_claim_back_makes_the_submission_submitted_again(web, world, make_submission, db):
    submission = make_submission(world.learner)
    claim(web, world.tutor, submission.id)
    response = web.post(
        path(world.tutor, f"/review/{submission.id}/unclaim"),
        data={"csrf_token": world.tutor.csrf},
    )
    assert response.status_code == 303
    assert claim_row(db, submission.id) is None
    assert status_of(db, submission.id) == "submitted"
    # Someone else's claim cannot be given back.
    claim(web, world.tutor, submission.id)
    other = web.post(
        path(world.tutor2, f"/review/{submission.id}/unclaim"),
        data={"csrf_token": world.tutor2.csrf},
    )
    assert other.status_code == 409
    assert claim_row(db, submission.id).tutor_user_id == world.tutor.principal.user_id


def test_nothing_to_claim_once_feedback_is_released(web, world, make_submission, db):
    submission = make_submission(world.learner, status=SubmissionStatus.FEEDBACK_RELEASED)
    response = claim(web, world.tutor, submission.id)
    assert response.status_code == 409
    assert "bereits freigegeben" in text_of(response)
    assert claim_row(db, submission.id) is None


@pytest.mark.parametrize("token", [None, "", "0" * 64])
def test_claim_without_the_right_csrf_token_is_refused_and_changes_nothing(
    web, world, make_submission, db, token
):
    submission = make_submission(world.learner)
    data = {} if token is None else {"csrf_token": token}
    response = web.post(path(world.tutor, f"/review/{submission.id}/claim"), data=data)
    assert response.status_code == 403
    assert claim_row(db, submission.id) is None
    assert status_of(db, submission.id) == "submitted"


# --- two tutors at once ---------------------------------------------------------------


def test_two_sessions_claiming_at_once_one_wins(engine, world, make_submission):
    """Both transactions run their claim before either commits: the second waits for the
    first (row lock on PostgreSQL, the write lock on SQLite) and then finds it taken."""
    submission = make_submission(world.learner)
    first = new_session(engine)
    second = new_session(engine)
    results: dict[str, object] = {}
    try:
        won = claims.claim(first, world.tutor.principal, submission.id, ttl=TTL)
        assert won.outcome == ClaimOutcome.CLAIMED

        def run_second() -> None:
            try:
                results["second"] = claims.claim(
                    second, world.tutor2.principal, submission.id, ttl=TTL
                )
                second.commit()
            except Exception as exc:  # surfaced below
                results["error"] = exc

        thread = threading.Thread(target=run_second)
        thread.start()
        thread.join(timeout=1.0)
        if not thread.is_alive():  # it did not wait for the first: then it must not have won
            assert results["second"].outcome != ClaimOutcome.CLAIMED
        first.commit()
        thread.join(timeout=60)
        assert not thread.is_alive()
    finally:
        first.close()
        second.close()
    assert "error" not in results, results.get("error")
    lost = results["second"]
    assert lost.outcome == ClaimOutcome.HELD_BY_OTHER
    assert lost.state is not None and lost.state.holder_name == "Tilda Tutorin"
    with new_session(engine) as check:
        rows = check.exec(select(ReviewClaim)).all()
        assert [(r.submission_id, r.tutor_user_id) for r in rows] == [
            (submission.id, world.tutor.principal.user_id)
        ]


@pytest.mark.parametrize("attempt", range(3))
def test_two_tutors_clicking_claim_at_the_same_moment(app, world, make_submission, db, attempt):
    """Two browsers, two requests released together: one 303, one 409 that says who won."""
    submission = make_submission(world.learner)
    barrier = threading.Barrier(2)
    responses = {}

    def click(person, label: str) -> None:
        with TestClient(app, base_url="https://kurswerk.test") as own:
            own.follow_redirects = False
            barrier.wait()
            responses[label] = claim(own, person, submission.id)

    threads = [
        threading.Thread(target=click, args=(world.tutor, "tilda")),
        threading.Thread(target=click, args=(world.tutor2, "theo")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    codes = sorted(r.status_code for r in responses.values())
    assert codes == [303, 409]
    winner = next(k for k, r in responses.items() if r.status_code == 303)
    loser = responses["theo" if winner == "tilda" else "tilda"]
    winner_name = {"tilda": "Tilda Tutorin", "theo": "Theo Tutor"}[winner]
    assert f"{winner_name} hat diese Einreichung bereits übernommen" in text_of(loser)
    holder = claim_row(db, submission.id).tutor_user_id
    assert holder == {"tilda": world.tutor, "theo": world.tutor2}[winner].principal.user_id
