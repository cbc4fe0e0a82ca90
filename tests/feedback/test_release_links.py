"""The link in the "feedback released" mail opens the learner's feedback in a browser that
never launched Kurswerk, for that learner only (a large feedback PDF's link: test_release)."""

from __future__ import annotations

from tests.feedback.helpers import mails, write_and_release
from tests.support.mail_links import link_to, open_in_plain_browser, with_path

FEEDBACK = "Ihre Analyse der **Kundenbeziehung** ist schlüssig."


def test_the_feedback_link_opens_the_learners_feedback_in_a_plain_browser(
    app, web, world, make_submission, db
):
    submission = make_submission(world.learner)
    write_and_release(web, world.tutor, submission.id, FEEDBACK)
    (mail,) = mails(db)
    url = link_to(mail.payload["text"], f"/c/{world.learner.context_id}/feedback/{submission.id}")
    page = open_in_plain_browser(app, url)
    assert page.status_code == 200, page.text[:800]
    assert "<strong>Kundenbeziehung</strong>" in page.text
    assert "kt=" not in page.text  # read-only: no session handed out


def test_the_link_of_one_learner_does_not_open_another_learners_feedback(
    app, web, world, make_submission, db
):
    mine = make_submission(world.learner)
    theirs = make_submission(world.learner2, exercise="art-der-kundenbeziehung")
    write_and_release(web, world.tutor, mine.id, FEEDBACK)
    write_and_release(web, world.tutor, theirs.id, "Nur für Lars bestimmt.")
    lena_mail = next(m for m in mails(db) if m.payload["to"] == "lena@example.org")
    url = link_to(lena_mail.payload["text"], f"/c/{world.learner.context_id}/feedback/{mine.id}")
    page = open_in_plain_browser(
        app, with_path(url, f"/c/{world.learner.context_id}/feedback/{theirs.id}")
    )
    assert page.status_code == 403
    assert "Nur für Lars bestimmt." not in page.text
