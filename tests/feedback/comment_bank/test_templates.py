"""The feedback template: a new draft's text starts with it (server-side, in the learner's
language), an exercise may have the LMS course's own, and a draft with text is never
touched; tutors edit and reset an exercise's template on the bank page."""

from __future__ import annotations

import re
from html import unescape

from sqlmodel import select

from feedback.comment_bank.models import FeedbackTemplate
from feedback.comment_bank.templates import template_locale
from lti.models import PlatformUser
from tests.feedback.comment_bank.conftest import bank, post
from tests.feedback.conftest import exercise_id
from tests.feedback.helpers import attach, claim, feedback_rows, path, save

DEFAULT_DE = "## Was gut funktioniert\n\n\n## Was Sie ändern sollten\n\n\n## Nächster Schritt\n"
DEFAULT_EN = "## What works well\n\n\n## What you should change\n\n\n## Next step\n"


def feedback_text(web, tutor, sid) -> str:
    page = web.get(path(tutor, f"/review/{sid}"))
    assert page.status_code == 200, page.text
    found = re.search(r'<textarea id="kw-feedback-body"[^>]*>(.*?)</textarea>', page.text, re.S)
    assert found, "no feedback text on the page"
    return unescape(found.group(1))


def test_a_new_draft_starts_with_the_default_template(web, world, make_submission):
    submission = make_submission(world.learner)
    claim(web, world.tutor, submission.id)
    assert feedback_text(web, world.tutor, submission.id) == DEFAULT_DE


def test_the_default_comes_in_the_learners_language(web, db, world, make_submission):
    user = db.get(PlatformUser, world.learner.principal.user_id)
    user.locale = "en"
    db.add(user)
    db.commit()
    submission = make_submission(world.learner)
    claim(web, world.tutor, submission.id)  # the tutor works in German
    assert feedback_text(web, world.tutor, submission.id) == DEFAULT_EN


def test_the_language_falls_back_to_the_course_then_the_tutor():
    assert template_locale("en-GB", "de", "de") == "en"
    assert template_locale(None, "en", "de") == "en"
    assert template_locale("tlh", "de", "en") == "de"
    assert template_locale(None, None, "en") == "en"


def test_an_exercise_with_its_own_template_starts_with_that(web, db, world, make_submission):
    exercise = exercise_id(db, "leistungen-pruefen")
    saved = post(
        web, world.tutor, f"/exercises/{exercise}/template", template="## Eindruck\n\n## Tipp"
    )
    assert saved.status_code == 303
    submission = make_submission(world.learner, exercise="leistungen-pruefen")
    other = make_submission(world.learner2, exercise="art-der-kundenbeziehung")
    claim(web, world.tutor, submission.id)
    claim(web, world.tutor, other.id)
    assert feedback_text(web, world.tutor, submission.id) == "## Eindruck\n\n## Tipp\n"
    assert feedback_text(web, world.tutor, other.id) == DEFAULT_DE
    # Another LMS course showing the same course keeps the default.
    other_learner = world.other_learner
    theirs = make_submission(other_learner, exercise="leistungen-pruefen")
    claim(web, world.other_tutor, theirs.id)
    assert feedback_text(web, world.other_tutor, theirs.id) == DEFAULT_DE


def test_a_draft_with_text_is_shown_as_saved_and_never_rewritten(web, db, world, make_submission):
    submission = make_submission(world.learner)
    claim(web, world.tutor, submission.id)
    save(web, world.tutor, submission.id, "Mein eigener Anfang.")
    [before] = [(f.body_markdown, f.updated_at) for f in feedback_rows(db, submission.id)]
    exercise = exercise_id(db, "leistungen-pruefen")
    post(web, world.tutor, f"/exercises/{exercise}/template", template="## Neu")
    assert feedback_text(web, world.tutor, submission.id) == "Mein eigener Anfang."
    assert [(f.body_markdown, f.updated_at) for f in feedback_rows(db, submission.id)] == [before]


def test_a_draft_without_text_yet_starts_with_the_template(
    web, db, world, make_submission, pdf_for_feedback
):
    """A draft made by attaching a PDF (or saving annotations) first has no text yet."""
    submission = make_submission(world.learner)
    claim(web, world.tutor, submission.id)
    assert attach(web, world.tutor, submission.id, pdf_for_feedback).status_code == 303
    [draft] = feedback_rows(db, submission.id)
    assert draft.body_markdown == ""
    assert feedback_text(web, world.tutor, submission.id) == DEFAULT_DE
    assert feedback_rows(db, submission.id)[0].body_markdown == ""  # shown, not written


def test_a_tutor_edits_and_resets_an_exercises_template(web, db, world):
    exercise = exercise_id(db, "leistungen-pruefen")
    page = web.get(bank(world.tutor, f"?exercise={exercise}"))
    assert "Standardvorlage" in page.text and "## Was gut funktioniert" in page.text
    assert (
        post(web, world.tutor2, f"/exercises/{exercise}/template", template="## A\r\n").status_code
        == 303
    )
    [row] = db.exec(select(FeedbackTemplate)).all()
    assert (row.context_id, row.exercise_id, row.body_markdown) == (
        world.context.id,
        exercise,
        "## A",
    )
    assert row.updated_by_user_id == world.tutor2.principal.user_id
    assert (
        post(web, world.tutor, f"/exercises/{exercise}/template", template="## B").status_code
        == 303
    )
    db.expire_all()
    assert [t.body_markdown for t in db.exec(select(FeedbackTemplate)).all()] == ["## B"]
    assert post(web, world.tutor, f"/exercises/{exercise}/template/reset").status_code == 303
    db.expire_all()
    assert db.exec(select(FeedbackTemplate)).all() == []


def test_template_refusals(web, db, world):
    exercise = exercise_id(db, "leistungen-pruefen")
    long = post(web, world.tutor, f"/exercises/{exercise}/template", template="x" * 4001)
    assert long.status_code == 422
    assert 'id="kw-template-error"' in long.text and "x" * 4001 in long.text
    assert post(web, world.tutor, "/exercises/999999/template", template="## A").status_code == 404
    assert (
        post(web, world.learner, f"/exercises/{exercise}/template", template="## A").status_code
        == 404
    )
    no_csrf = post(web, world.tutor, f"/exercises/{exercise}/template", csrf="", template="## A")
    assert no_csrf.status_code == 403
    assert db.exec(select(FeedbackTemplate)).all() == []
