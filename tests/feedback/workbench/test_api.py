"""The annotation API (issue 13 "Annotations on the document", "Bad input and races"):
the set survives reloads and a claim handover; staff of the course only; the claim
holder saves; a save based on an old revision is refused with the current one; bad
input is a clear 4xx and leaves the stored set as it was."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from feedback.models import ReviewClaim
from kurswerk.core.clock import utcnow
from tests.feedback.conftest import resubmit
from tests.feedback.helpers import claim, path, release, save
from tests.feedback.workbench.helpers import (
    freetext,
    get_set,
    highlight,
    ink,
    note,
    put_set,
    stored,
)


def test_a_version_without_annotations_has_an_empty_set_at_revision_0(web, world, claimed):
    answer = get_set(web, world.tutor, claimed.id)
    assert answer.status_code == 200
    assert answer.json() == {"revision": 0, "version": 1, "pages": 1, "annotations": []}
    assert answer.headers["cache-control"] == "no-store"


def test_a_saved_set_comes_back_normalised_after_a_reload(web, world, claimed):
    items = [
        highlight(color="#FFD400", rects=[[300, 714, 72, 700]]),  # corners in any order
        note(text="Schön\x07!"),  # control characters are stripped
        freetext(),
        ink(),
    ]
    answer = put_set(web, world.tutor, claimed.id, 0, items)
    assert answer.status_code == 200, answer.text
    assert answer.json()["revision"] == 1 and answer.json()["saved_at"]
    again = get_set(web, world.tutor, claimed.id).json()
    assert again["revision"] == 1
    assert [a["type"] for a in again["annotations"]] == ["highlight", "note", "freetext", "ink"]
    first = again["annotations"][0]
    assert first["color"] == "#ffd400" and first["rects"] == [[72, 700, 300, 714]]
    assert again["annotations"][1]["text"] == "Schön!"
    assert again["annotations"][3]["paths"] == ink()["paths"]


def test_each_accepted_save_counts_one_revision_up_and_an_old_base_is_refused(
    web, world, claimed, db
):
    assert put_set(web, world.tutor, claimed.id, 0, [note()]).json()["revision"] == 1
    assert put_set(web, world.tutor, claimed.id, 1, [note(), ink()]).json()["revision"] == 2
    stale = put_set(web, world.tutor, claimed.id, 1, [])  # a second tab, still at 1
    assert stale.status_code == 409
    assert stale.json()["revision"] == 2 and stale.json()["error"] == "conflict"
    assert "anderen Tab" in stale.json()["message"]
    (row,) = stored(db)
    assert row.revision == 2 and '"ink"' in row.annotations
    assert row.editor_user_id == world.tutor.principal.user_id


def test_a_first_save_when_another_was_first_is_refused_with_its_revision(web, world, claimed):
    assert put_set(web, world.tutor, claimed.id, 0, [note()]).status_code == 200
    second = put_set(web, world.tutor, claimed.id, 0, [ink()])
    assert second.status_code == 409 and second.json()["revision"] == 1
    assert [a["id"] for a in get_set(web, world.tutor, claimed.id).json()["annotations"]] == ["n1"]


def test_saving_needs_the_claim(web, world, make_submission, db):
    submission = make_submission(world.learner)
    answer = put_set(web, world.tutor, submission.id, 0, [note()])
    assert answer.status_code == 409
    assert "Bitte übernehmen Sie sie zuerst" in answer.json()["message"]
    assert stored(db) == []


def test_another_tutor_cannot_save_into_the_holders_set(web, world, claimed, db):
    put_set(web, world.tutor, claimed.id, 0, [note()])
    answer = put_set(web, world.tutor2, claimed.id, 1, [])
    assert answer.status_code == 409
    assert answer.json()["message"].startswith("Tilda Tutorin bearbeitet diese Einreichung")
    (row,) = stored(db)
    assert row.revision == 1 and '"n1"' in row.annotations
    # Reading is open to the course's staff.
    assert get_set(web, world.tutor2, claimed.id).json()["revision"] == 1


def test_the_set_survives_a_claim_handover_and_the_new_holder_continues_it(web, world, claimed, db):
    assert put_set(web, world.tutor, claimed.id, 0, [note(), highlight()]).status_code == 200
    row = db.exec(select(ReviewClaim).where(ReviewClaim.submission_id == claimed.id)).one()
    row.expires_at = utcnow() - timedelta(minutes=1)  # Tilda's claim has run out
    db.add(row)
    db.commit()
    taken = claim(web, world.tutor2, claimed.id, takeover_from=world.tutor.principal.user_id)
    assert taken.status_code == 303 and "taken_over" in taken.headers["location"]

    seen = get_set(web, world.tutor2, claimed.id).json()
    assert seen["revision"] == 1 and [a["id"] for a in seen["annotations"]] == ["n1", "h1"]
    items = [*seen["annotations"], ink()]
    assert put_set(web, world.tutor2, claimed.id, 1, items).json()["revision"] == 2
    late = put_set(web, world.tutor, claimed.id, 2, [])  # Tilda, from her open tab
    assert late.status_code == 409 and "Theo Tutor bearbeitet" in late.json()["message"]
    (stored_row,) = stored(db)
    assert stored_row.revision == 2 and stored_row.editor_user_id == world.tutor2.principal.user_id


def test_a_learner_gets_404_for_reading_and_saving(web, world, claimed, db):
    assert get_set(web, world.learner, claimed.id).status_code == 404
    assert put_set(web, world.learner, claimed.id, 0, [note()]).status_code == 404
    assert stored(db) == []


def test_a_tutor_of_another_course_gets_404_for_this_courses_submission(web, world, claimed, db):
    assert get_set(web, world.other_tutor, claimed.id).status_code == 404
    answer = put_set(web, world.other_tutor, claimed.id, 0, [note()])
    assert answer.status_code == 404 and answer.json()["error"] == "not_found"
    assert stored(db) == []


def test_an_id_that_does_not_exist_is_404(web, world, claimed):
    assert get_set(web, world.tutor, claimed.id + 1000).status_code == 404


@pytest.mark.parametrize("token", ["", "0" * 64])
def test_a_save_without_the_right_csrf_header_is_refused(web, world, claimed, db, token):
    answer = put_set(web, world.tutor, claimed.id, 0, [note()], csrf=token)
    assert answer.status_code == 403
    assert stored(db) == []


def test_a_csrf_token_in_the_body_or_the_url_does_not_count(web, world, claimed, db):
    url = path(world.tutor, f"/review/{claimed.id}/annotations") + f"&csrf_token={world.tutor.csrf}"
    answer = web.put(
        url,
        json={"revision": 0, "annotations": [], "csrf_token": world.tutor.csrf},
        headers={"accept": "application/json"},
    )
    assert answer.status_code == 403
    assert stored(db) == []


def test_a_released_versions_set_cannot_change(web, world, claimed, db):
    assert put_set(web, world.tutor, claimed.id, 0, [note()]).status_code == 200
    save(web, world.tutor, claimed.id, "Gut gemacht.")
    assert release(web, world.tutor, claimed.id).status_code == 303
    answer = put_set(web, world.tutor, claimed.id, 1, [])
    assert answer.status_code == 409
    assert "bereits freigegeben" in answer.json()["message"]
    (row,) = stored(db)
    assert row.revision == 1


def test_a_save_for_a_version_that_is_no_longer_the_latest_is_refused(
    web, world, claimed, db, storage
):
    resubmit(db, storage, claimed)
    answer = put_set(web, world.tutor, claimed.id, 0, [note()], version=1)
    assert answer.status_code == 409 and "neue Fassung" in answer.json()["message"]
    assert stored(db) == []
    assert get_set(web, world.tutor, claimed.id).json()["version"] == 2


def test_the_english_tutor_reads_refusals_in_english(web, world, make_submission, make_learner):
    english = make_learner(context=world.context, role=world.tutor.principal.role, locale="en")
    submission = make_submission(world.learner)
    answer = put_set(web, english, submission.id, 0, [note()])
    assert answer.status_code == 409
    assert "Please claim it first" in answer.json()["message"]


def test_the_review_page_hands_its_csrf_token_to_scripts(web, world, claimed):
    page = web.get(path(world.tutor, f"/review/{claimed.id}"))
    assert f'<meta name="kw-csrf" content="{world.tutor.csrf}">' in page.text


def test_a_page_without_a_session_carries_no_token(web):
    assert 'name="kw-csrf"' not in web.get("/c/1/review/1").text
