# ruff: noqa: F811 - fixtures are imported by name and then requested as arguments
"""The course pages speak a language added only as a catalog (the pseudo-locale): every
text on them comes from the catalog, apart from the course's own content (titles). The
forum's, FAQ's and questions' pages: ``test_pseudo_locale_community``."""

from __future__ import annotations

import pytest

from course.content import load as content
from tests.support.pseudo_locale import pseudo_catalogs, unwrapped_text  # noqa: F401

LESSON = "kundenbeziehungen"


@pytest.mark.parametrize("path", ["/", f"/lessons/{LESSON}"])
def test_a_course_page(client, make_learner, loaded: content.LoadReport, pseudo_catalogs, path):
    person = make_learner(locale=pseudo_catalogs)
    page = client.get(person.url(f"/c/{person.context_id}{path}"))
    assert page.status_code == 200
    assert f'<html lang="{pseudo_catalogs}">' in page.text
    data = ("Social-Media-Strategie", "Kundenbeziehungen")  # the course's and lesson's titles
    assert unwrapped_text(page.text, data) == []


def test_the_worksheet_page(client, make_learner, loaded: content.LoadReport, pseudo_catalogs):
    """Kurswerk's words on it (labels, downloads, the default table) come from the catalog;
    the owner's texts are marked as German."""
    person = make_learner(locale=pseudo_catalogs)
    path = f"/c/{person.context_id}/lessons/{LESSON}/worksheets/handlungsoptionen"
    page = client.get(person.url(path))
    assert page.status_code == 200
    data = ("Kundenbeziehungen: Handlungsoptionen", "KB")  # the <title>; the sizes' unit
    assert unwrapped_text(page.text, data) == []
