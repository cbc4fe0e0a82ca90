"""The exercise page's panel slot: a later feature (the coaching upload) adds HTML at the
end of the exercise page; a panel not in the slot shows nothing."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from markupsafe import Markup

from course import service
from kurswerk.core.extensions import extensions
from tests.course.conftest import Learner
from tests.course.html_tools import parse

EXERCISE = "kundenbeziehungen/exercises/leistungen-pruefen"
seen: list[tuple[int, str, str | None, bool]] = []


def industry_panel(request, session, principal, page, industry) -> Markup | None:
    """A stand-in panel: records what it was given; shows only with an industry."""
    seen.append((principal.user_id, page.slug, industry, session is not None))
    if industry is None:
        return None
    return Markup('<section id="kw-test-panel">Panel für {}</section>').format(industry)


@pytest.fixture
def registered(fill_slot) -> None:
    seen.clear()
    wired = extensions.get(service.EXERCISE_PANELS)
    fill_slot(service.EXERCISE_PANELS, (*wired, industry_panel))


def exercise_url(learner: Learner, query: str = "") -> str:
    return learner.url(f"/c/{learner.context_id}/lessons/{EXERCISE}{query}")


def test_without_a_registered_panel_the_page_shows_none(client: TestClient, learner: Learner):
    response = client.get(exercise_url(learner, "?industry=media"))
    assert response.status_code == 200
    assert next(parse(response.text).find_all(id="kw-test-panel"), None) is None


def test_a_registered_panel_shows_once_at_the_end_of_the_exercise(
    client: TestClient, learner: Learner, registered: None
):
    response = client.get(exercise_url(learner, "?industry=retail"))
    assert response.status_code == 200
    article = parse(response.text).find("article", cls="exercise")
    panels = [e for e in article.iter() if e.attrs.get("id") == "kw-test-panel"]
    assert len(panels) == 1 and panels[0].clean_text == "Panel für retail"
    # after the chosen variant, before the way back
    order = [e.attrs.get("id") or e.tag for e in article.children if not isinstance(e, str)]
    assert order.index("kw-variant") < order.index("kw-test-panel") < len(order) - 1
    assert order[-1] == "p"
    assert seen == [(learner.principal.user_id, "leistungen-pruefen", "retail", True)]


def test_a_panel_that_returns_none_shows_nothing(
    client: TestClient, learner: Learner, registered: None
):
    response = client.get(exercise_url(learner))
    assert response.status_code == 200
    assert next(parse(response.text).find_all(id="kw-test-panel"), None) is None
    assert seen and seen[0][2] is None
