"""The help ladder and the industry suggestions of the lesson's "Übungen" section are links
(issue #12 §3): the sections, the FAQ, the forum, the question to the course lead and the
office hour (``hilfe:<rung>``, resolved through the slot ``course.help_rungs.HELP_RUNGS``
for the reader's LMS course), and each industry to its exercise with that industry chosen
(``uebung:<slug>?branche=<industry>``). The help page "Fragen zum Inhalt der Lektion"
names the office hour through the same slot."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from fastapi.testclient import TestClient
from sqlmodel import Session

from course import lesson_page, service
from course.content.markdown import render
from course.views import LinkedHtml
from kurswerk.core.extensions import extensions
from lti.models import LmsContext
from tests.course.conftest import Learner, MakeLearner
from tests.course.html_tools import Element, parse

LESSON = "kundenbeziehungen"


def lesson_path(learner: Learner, tail: str = "") -> str:
    return f"/c/{learner.context_id}/lessons/{LESSON}{tail}"


def exercises_part(client: TestClient, learner: Learner) -> Element:
    """The lesson's "Übungen" part (its ``##`` section)."""
    response = client.get(learner.url(lesson_path(learner)))
    assert response.status_code == 200
    body = parse(response.text).find("div", cls="lesson-body")
    return next(s for s in body.find_all("section") if s.attrs["aria-labelledby"] == "uebungen")


def links_of(element: Element) -> dict[str, str]:
    return {a.clean_text: a.attrs["href"] for a in element.find_all("a")}


def test_the_help_ladder_links_the_sections_faq_forum_and_the_course_lead(
    client: TestClient, learner: Learner
):
    part = exercises_part(client, learner)
    ladder = next(ul for ul in part.find_all("ul") if "FAQ" in ul.clean_text)
    links = links_of(ladder)
    assert links["Grundlagen"] == "#grundlagen" and links["Anwendungen"] == "#anwendung"
    expected = {
        "FAQ": lesson_path(learner, "/faq"),
        "Forum": lesson_path(learner, "/forum"),
        "den Dozenten fragen": lesson_path(learner, "/ask"),
    }
    for text, path in expected.items():
        href = links[text]
        assert urlsplit(href).path == path, text
        assert parse_qs(urlsplit(href).query)["kt"]
        assert client.get(href).status_code == 200, text
    # the owner's words stay as they were
    assert "das Forum für offene Fragen nutzen." in ladder.clean_text
    assert "– den Dozenten fragen (eMail)" in ladder.clean_text


def test_the_office_hour_links_the_office_hours_and_is_text_where_no_page_exists(
    client: TestClient, learner: Learner, fill_slot
):
    def office_hour_rung(part):
        return next(li for li in part.find_all("li") if "Dozentensprechstunde" in li.clean_text)

    link = office_hour_rung(exercises_part(client, learner)).find("a")
    assert link.clean_text == "Individuelle Dozentensprechstunde"
    assert urlsplit(link.attrs["href"]).path == f"/c/{learner.context_id}/office-hours"
    assert client.get(link.attrs["href"]).status_code == 200

    rungs = dict(extensions.get(service.HELP_RUNGS))
    rungs["sprechstunde"] = lambda context_id, slug: None  # a deployment without the page
    fill_slot(service.HELP_RUNGS, rungs)
    item = office_hour_rung(exercises_part(client, learner))
    assert item.clean_text == (
        "die Individuelle Dozentensprechstunde nutzen (nur Teilnehmer mit Coachingpaket)."
    )
    assert list(item.find_all("a")) == []  # no dead link


def test_the_promise_of_the_upload_links_the_end_of_the_page(client: TestClient, learner: Learner):
    response = client.get(learner.url(lesson_path(learner)))
    page = parse(response.text)
    part = exercises_part(client, learner)
    links = links_of(part)
    assert links["Uploadfunktion am Ende der Webseite"] == "#kw-upload"
    assert links["Aufgaben"] == "#kw-exercises"
    ids = {e.attrs.get("id") for e in page.iter()}
    assert {"kw-upload", "kw-exercises"} <= ids


INDUSTRY_LINKS = {
    "Medien": "media",
    "FMCG – Markenunternehmen": "fmcg",
    "Handelsunternehmen / Filialisten": "retail",
    "b2b": "b2b",
}


def test_each_industry_suggestion_opens_the_exercise_with_that_industry_chosen(
    client: TestClient, learner: Learner
):
    part = exercises_part(client, learner)
    suggestions = next(ul for ul in part.find_all("ul") if "Würth" in ul.clean_text)
    # The industries' own links (the owner's web addresses in the text open outside).
    links = {text: href for text, href in links_of(suggestions).items() if "://" not in href}
    assert set(links) == set(INDUSTRY_LINKS)
    for text, industry in INDUSTRY_LINKS.items():
        href = links[text]
        assert urlsplit(href).path == lesson_path(learner, "/exercises/leistungen-pruefen")
        query = parse_qs(urlsplit(href).query)
        assert query["industry"] == [industry] and query["kt"]
        page = parse(client.get(href).text)
        checked = [
            r.attrs["value"] for r in page.find_all("input", type="radio") if "checked" in r.attrs
        ]
        assert checked == [industry], text
        assert page.find("section", cls="variant") is not None


def test_the_cached_lesson_serves_every_lms_course_with_its_own_links(
    client: TestClient, db: Session, learner: Learner, make_learner: MakeLearner
):
    other = make_learner()  # another LMS course, another platform
    assert other.context_id != learner.context_id
    for reader in (learner, other):
        faq = links_of(exercises_part(client, reader))["FAQ"]
        assert urlsplit(faq).path == lesson_path(reader, "/faq")
    assert len(lesson_page._views) == 1  # one rendered lesson for both


def test_in_english_the_rungs_lead_to_the_same_pages(
    client: TestClient, db: Session, learner: Learner, make_learner: MakeLearner
):
    context = db.get(LmsContext, learner.context_id)
    english = make_learner(context=context, locale="en")
    links = links_of(exercises_part(client, english))
    assert urlsplit(links["FAQ"]).path == lesson_path(english, "/faq")
    assert parse_qs(urlsplit(links["FAQ"]).query)["kt"]


def test_a_rung_link_is_cut_out_of_stored_html_and_resolved_when_shown(fill_slot):
    html = render(
        "## A\n\nDie [FAQ *hier*](hilfe:faq) und [X](hilfe:sprechstunde).\n", lesson="l"
    ).html
    assert 'href="kurswerk:hilfe/faq/l"' in html
    linked = LinkedHtml.split(html)
    fill_slot(
        service.HELP_RUNGS,
        {
            "faq": lambda context_id, slug: f"/c/{context_id}/lessons/{slug}/faq",
            "sprechstunde": lambda c, s: None,
        },
    )
    shown = str(linked.html(lambda url, **params: url + "?kt=T", 7))
    assert '<a href="/c/7/lessons/l/faq?kt=T">FAQ <em>hier</em></a>' in shown
    assert "und X." in shown and "kurswerk:" not in shown


# --- the help page "Fragen zum Inhalt der Lektion" -----------------------------------------


def hub_step(client: TestClient, learner: Learner, title: str) -> Element:
    response = client.get(learner.url(lesson_path(learner, "/questions")))
    assert response.status_code == 200
    steps = parse(response.text).find("ol", cls="hub-steps").find_all("li")
    return next(li for li in steps if li.find("h2").clean_text == title)


def test_the_help_page_says_whom_the_office_hour_is_for_and_links_it_where_it_exists(
    client: TestClient, learner: Learner, fill_slot
):
    step = hub_step(client, learner, "Sprechstunde")
    assert "Die individuelle Sprechstunde ist für Teilnehmende mit Coachingpaket." in (
        step.clean_text
    )
    assert "folgt" not in step.clean_text
    link = step.find("a")
    assert link.clean_text == "Zur Sprechstunde"
    assert urlsplit(link.attrs["href"]).path == f"/c/{learner.context_id}/office-hours"
    rungs = dict(extensions.get(service.HELP_RUNGS))
    rungs["sprechstunde"] = lambda context_id, slug: None  # a deployment without the page
    fill_slot(service.HELP_RUNGS, rungs)
    step = hub_step(client, learner, "Sprechstunde")
    assert step.clean_text == (
        "Sprechstunde Die individuelle Sprechstunde ist für Teilnehmende mit Coachingpaket."
    )
    assert list(step.find_all("a")) == []


def test_the_help_pages_office_hour_in_english(
    client: TestClient, db: Session, learner: Learner, make_learner: MakeLearner
):
    context = db.get(LmsContext, learner.context_id)
    reader = make_learner(context=context, locale="en")
    step = hub_step(client, reader, "Office hours")
    assert "Individual office hours are for learners with a coaching package." in step.clean_text
