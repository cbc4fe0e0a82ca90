"""A new version shows the history (issue 14): the review page of a resubmission shows the
feedback released for the previous version (its text, its PDFs through the usual routes,
the question about it) above the editor, collapsed; the learner's feedback page shows
every version with its own feedback."""

from __future__ import annotations

import re

from tests.feedback.conftest import resubmit
from tests.feedback.dialogue.conftest import FEEDBACK_TEXT, answer, ask
from tests.feedback.helpers import attach, claim, path, release, save, text_of


def test_the_review_of_a_resubmission_shows_the_previous_versions_feedback(
    web, world, released, db, storage, pdf_for_feedback
):
    ask(web, world.learner, released.fid, "Welche Kanäle genau?")
    answer(web, world.tutor, released.fid, "Instagram und LinkedIn.")
    first = web.get(path(world.tutor, f"/review/{released.sid}")).text
    assert 'id="kw-history"' not in first  # one version: no history yet

    resubmit(db, storage, released.submission)
    assert claim(web, world.tutor2, released.sid).status_code == 303
    page = web.get(path(world.tutor2, f"/review/{released.sid}"))
    history = page.text.split('id="kw-history"')[1].split("</details>")[0]
    assert "Feedback zur vorigen Fassung 1 (von Tilda Tutorin, freigegeben am" in history
    assert "<strong>Zielgruppe</strong>" in history
    assert "Welche Kanäle genau?" in history and "Instagram und LinkedIn." in history
    # collapsed, and above the editor
    assert '<details class="history" id="kw-history">' in page.text
    assert page.text.index('id="kw-history"') < page.text.index('id="kw-editor"')


def test_the_history_links_the_previous_versions_pdfs(
    web, world, make_submission, db, storage, pdf_for_feedback
):
    submission = make_submission(world.learner)
    claim(web, world.tutor, submission.id)
    save(web, world.tutor, submission.id, FEEDBACK_TEXT)
    attach(web, world.tutor, submission.id, pdf_for_feedback, name="Anmerkungen.pdf")
    assert release(web, world.tutor, submission.id).status_code == 303
    resubmit(db, storage, submission)
    page = web.get(path(world.tutor, f"/review/{submission.id}"))
    history = page.text.split('id="kw-history"')[1].split("</details>")[0]
    assert "Feedback-PDF: Anmerkungen.pdf" in text_of_fragment(history)
    links = re.findall(r'href="([^"]*/versions/1/attachment\?[^"]*)"', history)
    assert len(links) == 2  # read in the browser, download
    pdf = web.get(links[1].replace("&amp;", "&"))
    assert pdf.status_code == 200 and pdf.content == pdf_for_feedback


def test_the_learners_page_shows_every_version_with_its_feedback(web, world, released, db, storage):
    resubmit(db, storage, released.submission)  # version 2, no feedback yet
    page = web.get(path(world.learner, f"/feedback/{released.sid}"))
    shown = text_of(page)
    v2, v1 = shown.index("Fassung 2 vom"), shown.index("Fassung 1 vom")
    assert v2 < v1  # newest first
    assert "Ihr Feedback ist noch nicht da." in shown[v2:v1]
    assert "Feedback zu Ihrer Fassung 1" in shown[v1:] and "Zielgruppe" in shown[v1:]

    from tests.feedback.helpers import write_and_release

    write_and_release(web, world.tutor2, released.sid, "Fassung 2: **jetzt** stimmig.")
    shown = text_of(web.get(path(world.learner, f"/feedback/{released.sid}")))
    v2, v1 = shown.index("Fassung 2 vom"), shown.index("Fassung 1 vom")
    assert "Feedback zu Ihrer Fassung 2" in shown[v2:v1] and "jetzt stimmig" in shown[v2:v1]
    assert "von Theo Tutor" in shown[v2:v1] and "von Tilda Tutorin" in shown[v1:]
    assert shown.count("Wie hilfreich war dieses Feedback für Sie?") == 2  # each rated alone


def test_a_version_replaced_before_its_feedback_says_so(web, world, make_submission, db, storage):
    submission = make_submission(world.learner, versions=2)
    from tests.feedback.helpers import write_and_release

    write_and_release(web, world.tutor, submission.id, "Zur zweiten Fassung.")
    shown = text_of(web.get(path(world.learner, f"/feedback/{submission.id}")))
    v1 = shown.index("Fassung 1 vom")
    assert "Zu dieser Fassung gibt es kein eigenes Feedback" in shown[v1:]


def text_of_fragment(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())
