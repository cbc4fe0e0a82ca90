# ruff: noqa: F811 - fixtures are imported by name and then requested as arguments
"""The submission pages speak a language added only as a catalog (the pseudo-locale):
every text of submitting on them (the panel, the form with a refusal, the receipt, list,
detail and the tutors' settings) comes from the catalog, apart from data (the exercise,
its industry, the file, the package)."""

from __future__ import annotations

import re

import pytest

from tests.course.html_tools import parse
from tests.support.people import make_learner  # noqa: F401 - fixture
from tests.support.pseudo_locale import pseudo_catalogs, unwrapped_text  # noqa: F401
from tests.uploads import pdfs
from tests.uploads.submission_fixtures import (  # noqa: F401 - fixtures
    EXERCISE,
    LESSON,
    course_loaded,
    exercise_id,
    give_package,
    people,
    receipt_path,
    upload_pdf,
    web,
)

DATA = ("Leistungen für die Kundenbeziehung und Social Media", "Medien", "Strategie.pdf")
PACKAGE = ("Coaching Basis", "Schriftliches", "Feedback", "zu Ihren Übungen.")  # its name, text
SIZE_UNIT = "KB"  # a file size's unit comes with the number (Babel's data, not the catalog)
_TIMES = re.compile(r"<time [^>]*>[^<]*</time>")  # dates and times: Babel's data too


def _main(html: str) -> str:
    """The page's own part (the breadcrumbs above it belong to the course's navigation)."""
    start = html.index('<main id="main"')
    return html[start : html.index("</main>", start) + len("</main>")]


def _speaks(html: str, data: tuple[str, ...] = DATA) -> None:
    assert unwrapped_text(_TIMES.sub("", html), (*data, *PACKAGE, SIZE_UNIT)) == []


@pytest.fixture
def learner(db, people, pseudo_catalogs):
    person = people.learner(locale=pseudo_catalogs)
    give_package(db, person, quota=1)
    return person


def _exercise_page(web, person) -> str:
    path = f"/c/{person.context_id}/lessons/{LESSON}/exercises/{EXERCISE}?industry=media"
    page = web.get(person.url(path))
    assert page.status_code == 200
    return page.text


def _panel(html: str) -> str:
    start = html.index('<section class="submission-panel"')
    return html[start : html.index("</section>", start) + len("</section>")]


def test_the_panel_with_the_form_and_after_submitting(web, db, learner, pseudo_catalogs):
    _speaks(_panel(_exercise_page(web, learner)))
    upload_pdf(web, learner, exercise_id(db))
    panel = _panel(_exercise_page(web, learner))
    assert "⟦" in panel
    _speaks(panel)


def test_the_offer_to_someone_without_a_package(web, people, pseudo_catalogs):
    person = people.learner(locale=pseudo_catalogs)
    _speaks(_panel(_exercise_page(web, person)))


def test_the_receipt_list_and_detail(web, db, learner):
    response = upload_pdf(web, learner, exercise_id(db), pdfs.make_pdf(pages=1))
    receipt = web.get(learner.url(receipt_path(response)))
    submission_id = receipt_path(response).split("/")[4]
    pages = [
        receipt,
        web.get(learner.url(f"/c/{learner.context_id}/submissions")),
        web.get(learner.url(f"/c/{learner.context_id}/submissions/{submission_id}")),
    ]
    for page in pages:
        assert page.status_code == 200, page.url
        _speaks(_main(page.text))


def test_the_form_with_a_refused_file(web, db, learner):
    page = upload_pdf(web, learner, exercise_id(db), b"not a pdf at all")
    assert page.status_code == 422
    assert parse(page.text).find("h2", id="kw-error-summary-title") is not None
    _speaks(_main(page.text))


def test_the_tutors_mail_settings(web, people, pseudo_catalogs):
    tutor = people.tutor(locale=pseudo_catalogs)
    page = web.get(tutor.url(f"/c/{tutor.context_id}/submissions/settings?saved=1"))
    assert page.status_code == 200
    _speaks(_main(page.text))


# --- the end of the lesson page -------------------------------------------------------------

LESSON_DATA = (
    "Leistungen für die Kundenbeziehung und Social Media",
    "Art der Kundenbeziehung und Leistungspotenzial von Social Media",
    "Medien",
    "FMCG (Markenunternehmen)",
    "Handel (Filialisten)",
    "B2B",
)


def _lesson_end(web, person) -> str:
    page = web.get(person.url(f"/c/{person.context_id}/lessons/{LESSON}"))
    assert page.status_code == 200
    start = page.text.index('<section class="lesson-box submission-panel" id="kw-upload"')
    return page.text[start : page.text.index("</section>", start) + len("</section>")]


def test_the_end_of_the_lesson_with_the_form_the_offer_and_for_tutors(
    web, db, learner, people, pseudo_catalogs
):
    _speaks(_lesson_end(web, learner), LESSON_DATA)
    _speaks(_lesson_end(web, people.learner(locale=pseudo_catalogs)), LESSON_DATA)
    _speaks(_lesson_end(web, people.tutor(locale=pseudo_catalogs)), LESSON_DATA)


def test_the_lesson_form_with_a_refused_file(web, db, learner):
    from tests.uploads.test_lesson_end import post_form

    page = post_form(web, learner, data=b"not a pdf at all", note="Meine Notiz")
    assert page.status_code == 422
    _speaks(_main(page.text), (*LESSON_DATA, "Kundenbeziehungen", "Meine Notiz"))
