"""Release that cannot surprise (issue 13): after saving, the review page leads to a
confirmation page that shows exactly what the learner will receive - the text as their
page shows it, the PDF, the email's subject and the gradebook comment the release then
sends - and releases that revision only; a draft changed since, or a tutor without the
claim, is refused with a clear 4xx and nothing sent."""

from __future__ import annotations

import html
import re

import pytest

from lti.ags import AGS_SCOPES
from lti.models import ContextServices, PlatformUser
from tests.feedback.helpers import (
    attach,
    claim,
    confirmation,
    confirmed,
    feedback_rows,
    lms_calls,
    mails,
    outbox,
    path,
    release,
    save,
    status_of,
    text_of,
)

FEEDBACK = (
    "## Gesamteindruck\n\n"
    "Ihre Analyse der **Kundenbeziehung** ist schlüssig.\n\n"
    "- Zielgruppe: klar\n"
    "- Kanäle: bitte begründen\n\n"
    "<script>alert(1)</script> Weiter so – Ihre Tilda"
)


def shown(page_html: str, element_id: str) -> str:
    """The text of the element with ``element_id`` (unescaped)."""
    found = re.search(rf'id="{element_id}">(.*?)</', page_html, re.S)
    assert found, f"no #{element_id}"
    return html.unescape(found.group(1))


def revision_on(page_html: str) -> str:
    return confirmed(page_html)[0]


def offer_grades(db, world) -> None:
    db.add(
        ContextServices(
            context_id=world.context.id,
            lineitems_url="https://lms.example/api/lineitems",
            ags_scopes=" ".join(AGS_SCOPES),
        )
    )
    db.commit()


@pytest.fixture
def drafted(web, world, make_submission):
    """Tilda holds Lena's submission and has saved a draft."""
    submission = make_submission(world.learner)
    assert claim(web, world.tutor, submission.id).status_code == 303
    assert save(web, world.tutor, submission.id, FEEDBACK).status_code == 303
    return submission


def test_after_saving_the_review_page_offers_the_release_button(web, world, drafted):
    page = web.get(path(world.tutor, f"/review/{drafted.id}?done=saved"))
    link = re.search(r'<a class="button" href="([^"]+)" data-kw-shortcut="release">', page.text)
    assert link and f"/review/{drafted.id}/release?" in link.group(1)
    assert "Feedback freigeben …" in page.text


def test_the_confirmation_shows_what_the_learner_receives_and_the_release_sends_it(
    web, world, drafted, db, pdf_for_feedback
):
    offer_grades(db, world)
    assert (
        attach(web, world.tutor, drafted.id, pdf_for_feedback, "Anmerkungen.pdf").status_code == 303
    )
    page = confirmation(web, world.tutor, drafted.id)
    assert page.status_code == 200
    text = text_of(page)
    # the text as the learner's page renders it: sanitised HTML
    card = page.text.split('<article class="feedback-card"', 1)[1].split("</article>", 1)[0]
    prose = card.split('<div class="prose">', 1)[1].rsplit("</div>", 1)[0]
    assert "<h4>Gesamteindruck</h4>" in prose and "<strong>Kundenbeziehung</strong>" in prose
    assert "<script>" not in prose and "&lt;script&gt;" in prose
    # the PDF, opened the way the learner opens it, and how it travels
    assert re.search(
        rf'href="[^"]*/feedback/{drafted.id}/versions/1/attachment\?[^"]*disposition=inline',
        page.text,
    )
    assert "Feedback-PDF: Anmerkungen.pdf" in text
    assert "Es wird der E-Mail angehängt" in text
    assert "lena@example.org" in text
    subject, comment = (
        shown(page.text, "kw-release-subject"),
        shown(page.text, "kw-release-comment"),
    )
    assert subject == "Ihr Feedback ist da: Leistungen für die Kundenbeziehung und Social Media"
    assert comment.startswith("Gesamteindruck\n\nIhre Analyse der Kundenbeziehung ist schlüssig.")
    assert comment.endswith("Das vollständige Feedback mit PDF-Anhang finden Sie in Kurswerk.")
    assert "1 von 1 Punkt" in text and "vollständig bewertet" in text
    assert "nicht rückgängig" in text

    response = release(web, world.tutor, drafted.id, *confirmed(page.text))
    assert response.status_code == 303 and "done=released" in response.headers["location"]
    (mail,) = mails(db)
    assert mail.payload["subject"] == subject
    assert mail.payload["attachments"][0]["filename"] == "Anmerkungen.pdf"
    (score,) = [r for r in lms_calls(db) if r.dedup_key.startswith("grade-released:")]
    assert score.payload["score"]["comment"] == comment  # exactly what was shown
    learners_page = web.get(path(world.learner, f"/feedback/{drafted.id}"))
    assert prose in learners_page.text  # the same HTML the learner's page shows


def test_subject_and_comment_are_in_the_learners_language(
    web, world, make_submission, make_learner, db
):
    english = make_learner(context=world.context, name="Emma English", email="emma@example.org",
                           locale="en")  # fmt: skip
    offer_grades(db, world)
    submission = make_submission(english)
    claim(web, world.tutor, submission.id)
    save(web, world.tutor, submission.id, "A" * 1200)
    page = confirmation(web, world.tutor, submission.id)
    assert page.status_code == 200 and '<html lang="de">' in page.text  # the tutor's page
    subject = shown(page.text, "kw-release-subject")
    assert subject == "Your feedback is here: Leistungen für die Kundenbeziehung und Social Media"
    assert 'lang="en" id="kw-release-subject"' in page.text
    comment = shown(page.text, "kw-release-comment")
    assert comment.endswith("You find the full feedback in Kurswerk.")
    release(web, world.tutor, submission.id, revision_on(page.text))
    assert mails(db)[0].payload["subject"] == subject
    (score,) = [r for r in lms_calls(db) if r.dedup_key.startswith("grade-released:")]
    assert score.payload["score"]["comment"] == comment


def test_without_a_grade_service_or_an_address_the_page_says_what_does_not_happen(
    web, world, make_submission, make_learner
):
    silent = make_learner(context=world.context, name="Nora Nomail", email=None)
    submission = make_submission(silent)
    claim(web, world.tutor, submission.id)
    save(web, world.tutor, submission.id, "Kurz und gut.")
    text = text_of(confirmation(web, world.tutor, submission.id))
    assert "keine E-Mail-Adresse bekannt" in text and "nur im Tool" in text
    assert "Bewertungen werden nicht an die Bewertungsübersicht des LMS gesendet" in text
    assert "kein AGS" in text and "1 von 1 Punkt" not in text
    assert "Kein PDF: Nora Nomail erhält nur den Text." in text


def test_a_draft_changed_after_the_confirmation_is_not_released(web, world, drafted, db):
    page = confirmation(web, world.tutor, drafted.id)
    shown_revision = revision_on(page.text)
    save(web, world.tutor, drafted.id, "Ganz anders, in einem anderen Tab")
    response = release(web, world.tutor, drafted.id, shown_revision)
    assert response.status_code == 409
    assert "Der Entwurf wurde geändert, nachdem Sie die Freigabe geprüft haben" in text_of(response)
    assert [f.status for f in feedback_rows(db, drafted.id)] == ["draft"]
    assert outbox(db) == [] and status_of(db, drafted.id) == "in_review"
    # A fresh confirmation shows the new text and its own revision.
    again = confirmation(web, world.tutor, drafted.id)
    assert "Ganz anders" in again.text and revision_on(again.text) != shown_revision


def test_a_tutor_without_the_claim_gets_no_confirmation_and_cannot_release(web, world, drafted, db):
    holders_revision = revision_on(confirmation(web, world.tutor, drafted.id).text)
    page = confirmation(web, world.tutor2, drafted.id)
    assert page.status_code == 409
    assert "Tilda Tutorin bearbeitet diese Einreichung inzwischen" in text_of(page)
    assert 'name="revision"' not in page.text
    response = release(web, world.tutor2, drafted.id, holders_revision)
    assert response.status_code == 409
    assert outbox(db) == [] and status_of(db, drafted.id) == "in_review"


def test_nothing_to_confirm_without_text_or_once_released(web, world, make_submission):
    submission = make_submission(world.learner)
    claim(web, world.tutor, submission.id)
    assert confirmation(web, world.tutor, submission.id).status_code == 422  # no draft
    save(web, world.tutor, submission.id, "  ")
    empty = confirmation(web, world.tutor, submission.id)
    assert empty.status_code == 422 and "Es gibt noch keinen Feedbacktext" in text_of(empty)
    save(web, world.tutor, submission.id, "Gut.")
    release(web, world.tutor, submission.id)
    done = confirmation(web, world.tutor, submission.id)
    assert done.status_code == 409 and "bereits freigegeben" in text_of(done)


def test_learners_and_other_courses_get_not_found(web, world, drafted):
    assert confirmation(web, world.learner, drafted.id).status_code == 404
    assert confirmation(web, world.other_tutor, drafted.id).status_code == 404


def test_cancel_returns_to_the_editor(web, world, drafted):
    page = confirmation(web, world.tutor, drafted.id)
    cancel = re.search(r'<a href="([^"]+)" data-kw-shortcut="cancel">', page.text)
    assert cancel and cancel.group(1).endswith("#kw-editor")
    back = web.get(html.unescape(cancel.group(1)).split("#")[0])
    assert back.status_code == 200 and 'id="kw-editor"' in back.text


def test_without_annotations_no_annotated_pdf_is_announced(web, world, drafted):
    """The preview of an annotated PDF is linked only when the release would write one
    (``tests/feedback/workbench/test_release.py`` shows the page with annotations)."""
    page = confirmation(web, world.tutor, drafted.id)
    assert page.status_code == 200
    assert "mit Ihren" not in page.text and "mit Ihrer Anmerkung" not in page.text
    assert "/annotated.pdf" not in page.text


def test_the_learner_without_a_name_is_named_as_the_tool_does(web, world, make_submission, db):
    submission = make_submission(world.learner2)
    user = db.get(PlatformUser, world.learner2.principal.user_id)
    user.name = None
    db.add(user)
    db.commit()
    claim(web, world.tutor, submission.id)
    save(web, world.tutor, submission.id, "Gut.")
    text = text_of(confirmation(web, world.tutor, submission.id))
    assert f"Das erhält #{user.id}, wenn Sie jetzt freigeben" in text
