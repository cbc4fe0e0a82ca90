"""Drafts (coaching issue §3, §5): saved and previewed by the claiming tutor, sanitised,
bounded in size, and invisible to the learner until release."""

from __future__ import annotations

from datetime import timedelta
from html.parser import HTMLParser

import pytest

from feedback import drafts, errors
from feedback.drafts import FEEDBACK_MAX_CHARS
from kurswerk.core.auth import Role
from tests.feedback.conftest import resubmit
from tests.feedback.helpers import (
    attach,
    claim,
    feedback_rows,
    outbox,
    path,
    release,
    revision,
    save,
    text_of,
)

HOSTILE = (
    "## Rückmeldung\n\n"
    "<script>alert('xss')</script>\n\n"
    '<img src=x onerror="alert(1)">\n\n'
    "[Klick mich](javascript:alert(2)) und [gut](https://example.org/a?b=1)\n\n"
    '<a href="#" onclick="alert(3)">roh</a>\n\n'
    "**Gute Arbeit**"
)


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, attrs))


def assert_sanitised(html: str) -> None:
    """No element that runs anything: raw HTML in Markdown arrives as text, not markup."""
    parser = _Elements()
    parser.feed(html)
    for tag, attrs in parser.found:
        assert tag not in ("script", "img", "iframe", "object", "embed", "style"), tag
        for name, value in attrs:
            assert not name.startswith("on"), (tag, name)
            if name in ("href", "src"):
                assert not (value or "").strip().lower().startswith(("javascript:", "data:"))


def test_a_saved_draft_is_shown_again_in_the_editor(web, world, make_submission):
    submission = make_submission(world.learner)
    claim(web, world.tutor, submission.id)
    response = save(web, world.tutor, submission.id, "Erste Gedanken:\r\n\r\n- Zielgruppe")
    assert response.status_code == 303 and "done=saved" in response.headers["location"]
    page = web.get(response.headers["location"])
    assert "Entwurf gespeichert." in page.text
    assert ">Erste Gedanken:\n\n- Zielgruppe</textarea>" in page.text
    assert "Entwurf zuletzt gespeichert" in page.text


def test_preview_shows_the_rendered_feedback_and_the_way_to_release(web, world, make_submission):
    submission = make_submission(world.learner)
    claim(web, world.tutor, submission.id)
    response = save(web, world.tutor, submission.id, "Sehr **gut**.", action="preview")
    assert "preview=1" in response.headers["location"]
    page = web.get(response.headers["location"])
    assert "<p>Sehr <strong>gut</strong>.</p>" in page.text
    assert "Feedback freigeben …" in page.text
    assert "was Lena Lernende erhält" in page.text
    # Nothing is released from the review page itself: only the confirmation posts.
    assert 'name="revision"' not in page.text


@pytest.mark.parametrize(
    ("locale", "limit"), [("de", "Höchstens 30.000 Zeichen"), ("en", "At most 30,000 characters")]
)
def test_the_editor_states_the_limit_as_a_number_of_the_pages_language(
    web, world, make_submission, make_learner, locale, limit
):
    tutor = make_learner(context=world.context, role=Role.TUTOR, locale=locale)
    submission = make_submission(world.learner)
    claim(web, tutor, submission.id)
    assert FEEDBACK_MAX_CHARS == 30_000
    assert limit in web.get(path(tutor, f"/review/{submission.id}")).text


def test_hostile_markdown_is_sanitised_in_the_preview(web, world, make_submission, db):
    submission = make_submission(world.learner)
    claim(web, world.tutor, submission.id)
    save(web, world.tutor, submission.id, HOSTILE)
    page = web.get(path(world.tutor, f"/review/{submission.id}?preview=1"))
    preview = page.text.split('id="kw-preview"')[1].split("</section>")[0]  # the preview only
    assert_sanitised(preview)
    assert "<strong>Gute Arbeit</strong>" in preview
    assert 'href="https://example.org/a?b=1"' in preview
    # The text is kept as written (escaped in the editor), the stored HTML is sanitised.
    (draft,) = feedback_rows(db, submission.id)
    assert draft.body_markdown == HOSTILE
    assert_sanitised(draft.body_html)
    assert "&lt;script&gt;" in page.text.split('id="kw-feedback-body"')[1]


def test_control_characters_are_dropped_before_saving(web, world, make_submission, db):
    submission = make_submission(world.learner)
    claim(web, world.tutor, submission.id)
    assert save(web, world.tutor, submission.id, "Nul\x00l und\x07 Glocke\tTab").status_code == 303
    (draft,) = feedback_rows(db, submission.id)
    assert draft.body_markdown == "Null und Glocke\tTab"


def test_a_text_over_the_limit_is_refused_with_a_message_and_nothing_saved(
    web, world, make_submission, db
):
    submission = make_submission(world.learner)
    claim(web, world.tutor, submission.id)
    save(web, world.tutor, submission.id, "Kurz und gut.")
    too_long = "ä" * (FEEDBACK_MAX_CHARS + 1)
    response = save(web, world.tutor, submission.id, too_long)
    assert response.status_code == 422
    assert "Ihr Feedback ist mit 30\u202f001 Zeichen zu lang (höchstens 30\u202f000)" in (
        response.text
    )
    assert 'aria-invalid="true"' in response.text
    assert 'href="#kw-feedback-body"' in response.text  # the summary leads to the field
    assert too_long in response.text  # the tutor's text is not lost
    (draft,) = feedback_rows(db, submission.id)
    assert draft.body_markdown == "Kurz und gut."


def test_exactly_the_limit_is_accepted(web, world, make_submission, db):
    submission = make_submission(world.learner)
    claim(web, world.tutor, submission.id)
    assert save(web, world.tutor, submission.id, "x" * FEEDBACK_MAX_CHARS).status_code == 303
    assert len(feedback_rows(db, submission.id)[0].body_markdown) == FEEDBACK_MAX_CHARS


def test_saving_needs_the_claim(web, world, make_submission, db):
    submission = make_submission(world.learner)
    response = save(web, world.tutor, submission.id, "Ohne Übernahme")
    assert response.status_code == 409
    assert "Bitte übernehmen Sie sie zuerst" in text_of(response)
    assert feedback_rows(db, submission.id) == []


@pytest.mark.parametrize("token", [None, "falsch"])
def test_saving_without_the_right_csrf_token_changes_nothing(
    web, world, make_submission, db, token
):
    submission = make_submission(world.learner)
    claim(web, world.tutor, submission.id)
    save(web, world.tutor, submission.id, "Vorher")
    data = {"body": "Nachher", "action": "save"}
    if token is not None:
        data["csrf_token"] = token
    response = web.post(path(world.tutor, f"/review/{submission.id}/feedback"), data=data)
    assert response.status_code == 403
    assert [f.body_markdown for f in feedback_rows(db, submission.id)] == ["Vorher"]


def test_the_learner_sees_nothing_of_a_draft(web, world, make_submission, db, pdf_for_feedback):
    submission = make_submission(world.learner)
    claim(web, world.tutor, submission.id)
    save(web, world.tutor, submission.id, "GEHEIMER ENTWURF mit Hinweisen")
    assert attach(web, world.tutor, submission.id, pdf_for_feedback).status_code == 303

    page = web.get(path(world.learner, f"/feedback/{submission.id}"))
    assert page.status_code == 200
    assert "GEHEIMER ENTWURF" not in page.text
    assert "Ihr Feedback ist noch nicht da" in page.text
    assert "feedback.pdf" not in page.text
    attachment = web.get(path(world.learner, f"/feedback/{submission.id}/versions/1/attachment"))
    assert attachment.status_code == 404
    assert outbox(db) == []  # no email either
    # The tutor's pages stay closed to the learner.
    review = web.get(path(world.learner, f"/review/{submission.id}"))
    assert review.status_code == 404 and "GEHEIMER" not in review.text


def test_a_draft_follows_the_learners_new_version(web, world, make_submission, db, storage):
    submission = make_submission(world.learner)
    claim(web, world.tutor, submission.id)
    save(web, world.tutor, submission.id, "Zur ersten Version")
    new_version = resubmit(db, storage, submission)
    page = web.get(path(world.tutor, f"/review/{submission.id}"))
    assert ">Zur ersten Version</textarea>" in page.text  # the text is kept
    save(web, world.tutor, submission.id, "Zur zweiten Version")
    (draft,) = feedback_rows(db, submission.id)
    assert draft.submission_version_id == new_version.id
    assert draft.body_markdown == "Zur zweiten Version"


def test_release_of_a_preview_older_than_a_resubmission_is_refused(
    web, world, make_submission, db, storage
):
    submission = make_submission(world.learner)
    claim(web, world.tutor, submission.id)
    save(web, world.tutor, submission.id, "Zur ersten Version")
    rev = revision(web, world.tutor, submission.id)
    resubmit(db, storage, submission)
    response = release(web, world.tutor, submission.id, rev)
    assert response.status_code == 409
    assert "Inzwischen wurde eine neue Fassung eingereicht" in text_of(response)
    (draft,) = feedback_rows(db, submission.id)
    assert draft.status == "draft" and outbox(db) == []


def test_service_save_refuses_before_writing(db, world, make_submission):
    submission = make_submission(world.learner)
    with pytest.raises(errors.NotClaimed):
        drafts.save_draft(db, world.tutor.principal, submission.id, "x", ttl=timedelta(hours=1))
    db.rollback()
    assert feedback_rows(db, submission.id) == []
