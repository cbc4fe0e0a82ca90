"""Two tabs saving the feedback text (issue 13, "two tabs saving at once: clear 4xx,
nothing lost, nothing half-written"): the draft form carries the revision of the text it
was opened with; a save that would replace a text saved since is refused - the page
again with both texts, or JSON for the autosave - and writes nothing."""

from __future__ import annotations

import html
import re
import threading
from datetime import timedelta

import pytest
from sqlmodel import select

from feedback import drafts
from feedback import release as release_module
from feedback.claims import claim as claim_service
from feedback.drafts import FEEDBACK_MAX_CHARS, text_revision
from feedback.errors import DraftConflict
from feedback.models import Feedback
from kurswerk.core.db import new_session
from tests.feedback.helpers import (
    claim,
    draft_revision,
    feedback_rows,
    mails,
    path,
    release,
    revision,
    save,
    text_of,
)

JSON = {"Accept": "application/json"}
TTL = timedelta(hours=2)


def textarea(page: str, field_id: str) -> str:
    found = re.search(rf'<textarea id="{field_id}"[^>]*>(.*?)</textarea>', page, re.S)
    assert found, f"no textarea #{field_id}"
    return html.unescape(found.group(1))


@pytest.fixture
def two_tabs(web, world, make_submission):
    """A claimed submission whose review page is open in two tabs, tab A having saved
    "Text aus Tab A" since: the submission and tab B's (stale) revision."""
    submission = make_submission(world.learner)
    claim(web, world.tutor, submission.id)
    save(web, world.tutor, submission.id, "Erster Entwurf")
    stale = draft_revision(web, world.tutor, submission.id)
    assert stale == text_revision("Erster Entwurf")
    assert save(web, world.tutor, submission.id, "Text aus Tab A").status_code == 303
    return submission, stale


def test_a_stale_form_is_refused_with_both_texts_and_nothing_written(web, world, two_tabs, db):
    submission, stale = two_tabs
    (before,) = feedback_rows(db, submission.id)
    response = save(web, world.tutor, submission.id, "Text aus Tab B", based_on=stale)
    assert response.status_code == 409
    assert "Inzwischen wurde ein anderer Text gespeichert" in text_of(response)
    assert 'href="#kw-feedback-saved"' in response.text  # the summary leads to the saved text
    assert textarea(response.text, "kw-feedback-body") == "Text aus Tab B"
    assert textarea(response.text, "kw-feedback-saved") == "Text aus Tab A"
    assert "Zuletzt gespeichert (in einem anderen Tab" in response.text
    (after,) = feedback_rows(db, submission.id)
    assert (after.body_markdown, after.updated_at) == ("Text aus Tab A", before.updated_at)

    # The page goes on from the saved text: the merged text is saved from it.
    shown = re.search(r'name="draft_revision" value="([0-9a-f]*)"', response.text)
    assert shown and shown.group(1) == text_revision("Text aus Tab A")
    merged = "Text aus Tab A\n\nText aus Tab B"
    assert save(web, world.tutor, submission.id, merged, based_on=shown.group(1)).status_code == 303
    assert feedback_rows(db, submission.id)[0].body_markdown == merged


def test_a_stale_autosave_gets_409_json_with_the_saved_text(web, world, two_tabs, db):
    submission, stale = two_tabs
    response = web.post(
        path(world.tutor, f"/review/{submission.id}/feedback"),
        data={"csrf_token": world.tutor.csrf, "body": "Text aus Tab B", "draft_revision": stale},
        headers=JSON,
    )
    assert response.status_code == 409
    answer = response.json()
    assert answer["error"] == "conflict" and answer["status"] == 409
    assert answer["text"] == "Text aus Tab A"
    assert answer["revision"] == text_revision("Text aus Tab A")
    assert "Ihr Text wurde nicht gespeichert" in answer["message"]
    assert feedback_rows(db, submission.id)[0].body_markdown == "Text aus Tab A"


def test_an_autosave_answers_the_new_revision(web, world, two_tabs, db):
    submission, _ = two_tabs
    response = web.post(
        path(world.tutor, f"/review/{submission.id}/feedback"),
        data={
            "csrf_token": world.tutor.csrf,
            "body": "Text aus Tab A, weiter geschrieben\r\n",
            "draft_revision": text_revision("Text aus Tab A"),
        },
        headers=JSON,
    )
    assert response.status_code == 200 and response.headers["cache-control"] == "no-store"
    (draft,) = feedback_rows(db, submission.id)
    assert draft.body_markdown == "Text aus Tab A, weiter geschrieben"
    assert response.json()["revision"] == text_revision(draft.body_markdown)
    assert response.json()["saved_at"].startswith(str(draft.updated_at.date()))


def test_a_stale_form_whose_text_is_the_saved_one_is_accepted(web, world, two_tabs, db):
    """Nothing could be lost: the same text was saved in the other tab."""
    submission, stale = two_tabs
    response = save(web, world.tutor, submission.id, "Text aus Tab A", based_on=stale)
    assert response.status_code == 303


def test_a_form_without_a_revision_does_not_replace_a_saved_text(web, world, two_tabs, db):
    submission, _ = two_tabs
    response = web.post(
        path(world.tutor, f"/review/{submission.id}/feedback"),
        data={"csrf_token": world.tutor.csrf, "body": "Ohne Revision", "action": "save"},
    )
    assert response.status_code == 409
    assert feedback_rows(db, submission.id)[0].body_markdown == "Text aus Tab A"


def test_a_page_shown_again_for_another_reason_keeps_the_stale_revision(web, world, two_tabs, db):
    """A text refused as too long comes back with the revision it was written on, so
    that saving it shortened is still a conflict, not a silent overwrite of tab A's."""
    submission, stale = two_tabs
    response = save(web, world.tutor, submission.id, "x" * (FEEDBACK_MAX_CHARS + 1), based_on=stale)
    assert response.status_code == 422
    assert f'name="draft_revision" value="{stale}"' in response.text
    response = save(web, world.tutor, submission.id, "kürzer", based_on=stale)
    assert response.status_code == 409
    assert feedback_rows(db, submission.id)[0].body_markdown == "Text aus Tab A"


def test_the_release_confirmed_before_a_refused_stale_save_still_releases(web, world, two_tabs, db):
    """The refused save changed nothing the release checks (``drafts.revision_of``)."""
    submission, stale = two_tabs
    confirmed = revision(web, world.tutor, submission.id)
    assert (
        save(web, world.tutor, submission.id, "Text aus Tab B", based_on=stale).status_code == 409
    )
    assert release(web, world.tutor, submission.id, confirmed).status_code == 303
    (released,) = feedback_rows(db, submission.id)
    assert (released.status, released.body_markdown) == ("released", "Text aus Tab A")


@pytest.mark.parametrize("base", ["", "Erster Entwurf"], ids=["no text yet", "a saved text"])
def test_two_saves_at_once_on_the_same_revision_one_wins(engine, world, make_submission, db, base):
    submission = make_submission(world.learner)
    tutor = world.tutor.principal
    with new_session(engine) as session:
        assert claim_service(session, tutor, submission.id, ttl=TTL).won
        if base:
            drafts.save_draft(session, tutor, submission.id, base, ttl=TTL)
        session.commit()
    texts = ["Text aus Tab A", "Text aus Tab B"]
    barrier = threading.Barrier(2)
    results: list[object] = [None, None]

    def run(index: int) -> None:
        with new_session(engine) as session:
            barrier.wait()
            try:
                drafts.save_draft(session, tutor, submission.id, texts[index],
                                  based_on=text_revision(base), ttl=TTL)  # fmt: skip
                session.commit()
                results[index] = "saved"
            except Exception as exc:  # looked at below
                results[index] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert results.count("saved") == 1, results
    winner = texts[results.index("saved")]
    (lost,) = [r for r in results if isinstance(r, DraftConflict)]
    assert lost.status_code == 409 and lost.saved_text == winner
    (draft,) = feedback_rows(db, submission.id)
    assert draft.body_markdown == winner


def test_a_save_landing_between_the_release_read_and_its_claim_is_refused(
    web, world, make_submission, db, engine, monkeypatch
):
    """The release reads the draft, then takes the claim; a save by another tab that
    commits in between must not be released with the confirmed text's rendering: the
    release sees it after taking the claim, refuses, and writes nothing."""
    submission = make_submission(world.learner)
    assert claim(web, world.tutor, submission.id).status_code == 303
    assert save(web, world.tutor, submission.id, "Bestätigter Text.").status_code == 303
    confirmed_revision = revision(web, world.tutor, submission.id)
    real_hold = release_module.hold_claim

    def another_tab_saves_first(session, *args, **kwargs):
        with new_session(engine) as other:
            [draft] = other.exec(select(Feedback).where(Feedback.submission_id == submission.id))
            draft.body_markdown = "Text aus dem anderen Tab."
            other.add(draft)
            other.commit()
        return real_hold(session, *args, **kwargs)

    monkeypatch.setattr(release_module, "hold_claim", another_tab_saves_first)
    response = release(web, world.tutor, submission.id, rev=confirmed_revision)

    assert response.status_code == 409
    db.expire_all()
    [draft] = feedback_rows(db, submission.id)
    assert draft.status == "draft" and draft.released_at is None
    assert draft.body_markdown == "Text aus dem anderen Tab."
    assert mails(db) == []


def test_the_old_holders_tab_after_a_takeover_writes_nothing_over_the_new_holders_text(
    web, world, make_submission, db
):
    """A claim handed over keeps the draft; the tab the first tutor still has open (its
    autosave included) can replace neither the text the new holder took over nor what
    the new holder saved since."""
    submission = make_submission(world.learner)
    claim(web, world.tutor, submission.id)
    save(web, world.tutor, submission.id, "Entwurf von Tilda")
    tilda_tab = draft_revision(web, world.tutor, submission.id)
    taken = claim(web, world.admin, submission.id, takeover_from=world.tutor.principal.user_id)
    assert taken.status_code == 303
    assert draft_revision(web, world.admin, submission.id) == tilda_tab

    def tilda_autosaves(body: str):
        form = {"csrf_token": world.tutor.csrf, "body": body, "action": "save"}
        return web.post(
            path(world.tutor, f"/review/{submission.id}/feedback"),
            data={**form, "draft_revision": tilda_tab},
            headers=JSON,
        )

    on_the_taken_text = tilda_autosaves("Tilda schreibt weiter")
    assert on_the_taken_text.status_code == 409
    refusal = on_the_taken_text.json()
    assert "Ada Admin" in refusal["message"] and "text" not in refusal  # no merge offered
    assert drafts.current_draft(db, submission.id).body_markdown == "Entwurf von Tilda"

    assert save(web, world.admin, submission.id, "Adas Fassung").status_code == 303
    late_form = save(web, world.tutor, submission.id, "Tilda schreibt weiter", based_on=tilda_tab)
    assert late_form.status_code == 409
    assert "Tilda schreibt weiter" in late_form.text  # offered for copying, not lost
    assert tilda_autosaves("Tilda schreibt noch weiter").status_code == 409
    db.expire_all()
    assert drafts.current_draft(db, submission.id).body_markdown == "Adas Fassung"
