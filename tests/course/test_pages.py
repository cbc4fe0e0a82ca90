"""The course pages over HTTP: who may see what, the industry picker, the read toggle,
and that every link on them leads somewhere."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from course import service
from course.models import Exercise, ExerciseVariant, LessonProgress
from kurswerk.core.auth import SESSION_COOKIE, Role
from kurswerk.core.extensions import extensions
from lti.models import LmsContext
from tests.conftest import TOOL_BASE_URL
from tests.course.conftest import Learner, MakeLearner
from tests.course.html_tools import Element, normalise, parse

LESSON = "kundenbeziehungen"


def lesson_url(learner: Learner, slug: str = LESSON) -> str:
    return f"/c/{learner.context_id}/lessons/{slug}"


def get_page(client: TestClient, learner: Learner, path: str) -> Element:
    response = client.get(learner.url(path))
    assert response.status_code == 200, (path, response.status_code)
    return parse(response.text)


def mark(browser: TestClient, learner: Learner, read: bool, csrf: str | None = None):
    data = {"read": "true" if read else "false"}
    if csrf is not None:
        data["csrf_token"] = csrf
    return browser.post(learner.url(lesson_url(learner) + "/read"), data=data)


def progress_rows(db: Session) -> list[LessonProgress]:
    db.expire_all()
    return list(db.exec(select(LessonProgress)).all())


# --- Course home ---------------------------------------------------------------------


def test_course_home_lists_lessons_with_reading_time_and_state(
    client: TestClient, learner: Learner
):
    page = get_page(client, learner, f"/c/{learner.context_id}/")
    assert page.find("h1").clean_text == "Social-Media-Strategie"
    card = page.find("li", cls="lesson-card")
    assert card.find("a").clean_text == "Kundenbeziehungen"
    assert "ca. 18 Min. Lesezeit" in card.clean_text
    assert card.find("span", cls="badge").clean_text == "Noch nicht gelesen"


# --- Reading progress ----------------------------------------------------------------


def test_mark_read_then_reload_shows_read_and_unread_toggles_back(
    browser: TestClient, learner: Learner, db: Session
):
    response = mark(browser, learner, True, learner.csrf)
    assert response.status_code == 303
    location = response.headers["location"]
    assert urlsplit(location).path == lesson_url(learner)
    assert "kt" in parse_qs(urlsplit(location).query)

    page = parse(browser.get(location).text)
    assert "Sie haben diese Lektion als gelesen markiert." in page.find(id="kw-progress").text
    button = page.find(id="kw-progress").find("button")
    assert button.clean_text == "Als ungelesen markieren"
    home = get_page(browser, learner, f"/c/{learner.context_id}/")
    assert home.find("span", cls="badge").clean_text == "✓ Gelesen"
    assert [r.read_at is not None for r in progress_rows(db)] == [True]

    assert mark(browser, learner, False, learner.csrf).status_code == 303
    page = get_page(browser, learner, lesson_url(learner))
    assert page.find(id="kw-progress").find("button").clean_text == "Als gelesen markieren"
    assert [r.read_at is not None for r in progress_rows(db)] == [False]


def test_marking_twice_keeps_one_progress_row(browser: TestClient, learner: Learner, db: Session):
    mark(browser, learner, True, learner.csrf)
    mark(browser, learner, True, learner.csrf)
    assert len(progress_rows(db)) == 1


@pytest.mark.parametrize("csrf", [None, "", "0" * 64], ids=["missing", "empty", "wrong"])
def test_mark_read_without_a_valid_csrf_token_is_refused_and_stores_nothing(
    browser: TestClient, learner: Learner, db: Session, csrf: str | None
):
    assert mark(browser, learner, True, csrf).status_code == 403
    assert progress_rows(db) == []


def test_a_csrf_token_of_another_session_is_refused(
    browser: TestClient, learner: Learner, make_learner: MakeLearner, db: Session
):
    other = make_learner()
    assert mark(browser, learner, True, other.csrf).status_code == 403
    assert progress_rows(db) == []


def test_someone_elses_progress_is_never_shown(
    browser: TestClient, learner: Learner, make_learner: MakeLearner, db: Session
):
    context = db.get(LmsContext, learner.context_id)
    classmate = make_learner(context=context)
    mark(browser, learner, True, learner.csrf)

    page = get_page(browser, classmate, lesson_url(classmate))
    assert "noch nicht als gelesen" in page.find(id="kw-progress").text
    home = get_page(browser, classmate, f"/c/{classmate.context_id}/")
    assert home.find("span", cls="badge").clean_text == "Noch nicht gelesen"


def test_mark_read_of_an_unknown_lesson_is_404_and_stores_nothing(
    browser: TestClient, learner: Learner, db: Session
):
    response = browser.post(
        learner.url(lesson_url(learner, "gibt-es-nicht") + "/read"),
        data={"read": "true", "csrf_token": learner.csrf},
    )
    assert response.status_code == 404
    assert progress_rows(db) == []


# --- Who may see what ----------------------------------------------------------------


def all_paths(context_id: int) -> list[str]:
    base = f"/c/{context_id}"
    return [
        f"{base}/",
        f"{base}/lessons/{LESSON}",
        f"{base}/lessons/{LESSON}/exercises/leistungen-pruefen?industry=media",
        f"{base}/lessons/{LESSON}/worksheets/handlungsoptionen",
        f"{base}/reading/interaktion-im-social-web",
    ]


def test_a_learner_of_another_lms_course_gets_403_everywhere(
    browser: TestClient, learner: Learner, make_learner: MakeLearner, db: Session
):
    stranger = make_learner()
    for path in all_paths(learner.context_id):
        assert browser.get(stranger.url(path)).status_code == 403, path
    response = browser.post(
        stranger.url(lesson_url(learner) + "/read"),
        data={"read": "true", "csrf_token": stranger.csrf},
    )
    assert response.status_code == 403
    assert progress_rows(db) == []


def test_without_a_session_every_page_is_401(browser: TestClient, learner: Learner):
    for path in all_paths(learner.context_id):
        assert browser.get(path).status_code == 401, path
    assert browser.get(all_paths(learner.context_id)[1] + "?kt=forged.token").status_code == 401


def test_the_session_cookie_works_as_well_as_the_page_token(
    app, client: TestClient, learner: Learner
):
    client.cookies.set(SESSION_COOKIE, app.state.session_codec.issue_cookie(learner.principal))
    assert client.get(lesson_url(learner)).status_code == 200


def test_unknown_slugs_get_a_german_404_page(client: TestClient, learner: Learner):
    base = f"/c/{learner.context_id}"
    for path, message in [
        (f"{base}/lessons/gibt-es-nicht", "Diese Lektion gibt es nicht (mehr)."),
        (f"{base}/lessons/{LESSON}/exercises/nein", "Diese Übung gibt es nicht (mehr)."),
        (f"{base}/lessons/{LESSON}/worksheets/nein", "Diese Arbeitsvorlage gibt es nicht"),
        (f"{base}/reading/nein", "Diesen Text gibt es nicht (mehr)."),
    ]:
        response = client.get(learner.url(path))
        assert response.status_code == 404, path
        page = parse(response.text)
        assert page.find("html").attrs["lang"] == "de"
        assert message in page.find("main").clean_text


def test_the_404_page_follows_the_ui_language(client: TestClient, make_learner, loaded):
    english = make_learner(locale="en")
    response = client.get(english.url(lesson_url(english, "gibt-es-nicht")))
    assert response.status_code == 404
    assert "This lesson does not exist" in response.text


def test_a_tutor_sees_the_same_pages(client: TestClient, make_learner: MakeLearner, loaded):
    tutor = make_learner(role=Role.TUTOR)
    for path in all_paths(tutor.context_id):
        assert client.get(tutor.url(path)).status_code == 200, path


# --- Language ------------------------------------------------------------------------


def test_with_an_english_ui_the_course_text_is_marked_german(
    client: TestClient, make_learner: MakeLearner, loaded
):
    english = make_learner(locale="en")
    page = get_page(client, english, lesson_url(english))
    assert page.find("html").attrs["lang"] == "en"
    assert page.find("h1").attrs["lang"] == "de"
    assert page.find("div", cls="lesson-body").attrs["lang"] == "de"
    assert page.find("nav", cls="toc").attrs["aria-label"] == "Contents"
    assert "Mark as read" in page.find(id="kw-progress").text


# --- Exercises by industry -----------------------------------------------------------

EXPECTED_COMPANIES = {
    "media": ["CouchStyle von Gruner + Jahr", "DIE ZEIT"],
    "fmcg": ["Nike", "Barilla", "Paulaner"],
    "retail": ["Douglas Cosmetic", "dm-markt", "Lidl"],
    "b2b": ["Würth", "Liebherr"],
}
INDUSTRIES = list(EXPECTED_COMPANIES)  # as the course declares them, in its order


def exercise_path(learner: Learner, slug: str = "leistungen-pruefen") -> str:
    return f"{lesson_url(learner)}/exercises/{slug}"


def test_each_exercise_has_a_variant_per_industry_with_its_companies(db: Session, loaded):
    exercises = db.exec(select(Exercise)).all()
    assert len(exercises) == 2
    for exercise in exercises:
        variants = db.exec(
            select(ExerciseVariant).where(ExerciseVariant.exercise_id == exercise.id)
        ).all()
        assert {v.industry for v in variants} == set(INDUSTRIES)
        for variant in variants:
            names = [c["name"] for c in variant.companies]
            assert names == EXPECTED_COMPANIES[variant.industry]
            assert variant.task_html.startswith("<p>")


def test_the_exercise_page_shows_the_work_step_task_and_an_industry_picker(
    client: TestClient, learner: Learner
):
    page = get_page(client, learner, exercise_path(learner))
    task = page.find("section", cls="work-step")
    assert normalise(task.text).startswith("Aufgabe Prüfen Sie, wie sich Social Media")
    form = page.find("form", cls="industry-picker")
    assert form.attrs["method"] == "get"
    assert urlsplit(form.attrs["action"]).path == exercise_path(learner)
    assert form.find("input", type="hidden", name="kt").attrs["value"]
    radios = list(form.find_all("input", type="radio"))
    assert [r.attrs["value"] for r in radios] == INDUSTRIES
    for radio in radios:
        label = form.find("label", **{"for": radio.attrs["id"]})
        assert label.clean_text
    assert form.find("legend").clean_text == "Branche wählen"
    assert not list(page.find_all("section", cls="variant"))


@pytest.mark.parametrize("industry", INDUSTRIES)
def test_picking_an_industry_shows_its_task_and_companies(
    client: TestClient, learner: Learner, industry: str
):
    # Submitting the picker form is a GET with the form's fields: industry and kt.
    response = client.get(
        exercise_path(learner), params={"industry": industry, "kt": learner.token}
    )
    assert response.status_code == 200
    page = parse(response.text)
    variant = page.find("section", cls="variant")
    companies = [normalise(li.text) for li in variant.find("ul", cls="companies").find_all("li")]
    for expected, shown in zip(EXPECTED_COMPANIES[industry], companies, strict=True):
        assert shown.startswith(expected)
    assert "Übung" in variant.find("div", cls="prose").text
    checked = [
        r.attrs["value"] for r in page.find_all("input", type="radio") if "checked" in r.attrs
    ]
    assert checked == [industry]


def test_company_links_open_outside_the_lms_frame(client: TestClient, learner: Learner):
    page = get_page(client, learner, exercise_path(learner) + "?industry=media")
    link = page.find("section", cls="variant").find("a")
    assert link.attrs["href"] == "https://www.couchstyle.de"
    assert link.attrs["target"] == "_blank" and "noopener" in link.attrs["rel"]


def test_an_unknown_industry_is_a_400(client: TestClient, learner: Learner):
    response = client.get(learner.url(exercise_path(learner) + "?industry=bergbau"))
    assert response.status_code == 400


# --- Links that exist, links that do not yet -----------------------------------------


def test_a_link_not_in_the_slot_is_not_shown(client: TestClient, learner: Learner, fill_slot):
    """The FAQ/forum feature gives its links (course.faq.routes); without one, the
    lesson shows nothing in its place."""
    wired = extensions.get(service.LESSON_LINKS)
    fill_slot(service.LESSON_LINKS, tuple(link for link in wired if link.key != "questions"))
    page = get_page(client, learner, lesson_url(learner))
    assert "Fragen zum Inhalt der Lektion" not in page.text


@pytest.fixture
def extra_link(fill_slot) -> None:
    """A stand-in for a later feature: it links to a page that exists."""
    stand_in = service.LessonLink(
        key="stand-in",
        label="Kursübersicht",
        path=lambda context_id, slug: f"/c/{context_id}/",
    )
    fill_slot(service.LESSON_LINKS, (*extensions.get(service.LESSON_LINKS), stand_in))


def test_a_link_shows_once_registered(client: TestClient, learner: Learner, extra_link: None):
    page = get_page(client, learner, lesson_url(learner))
    links = {a.clean_text: a for a in page.find("ul", cls="lesson-links").find_all("a")}
    assert "Fragen zum Inhalt der Lektion" in links  # registered by the FAQ/forum feature
    link = links["Kursübersicht"]
    assert client.get(link.attrs["href"]).status_code == 200


def test_the_author_is_text_without_a_known_profile_url(client: TestClient, learner: Learner):
    author = get_page(client, learner, lesson_url(learner)).find("li", cls="lesson-author")
    assert normalise(author.text) == "Autor: Wilfried Schock"
    assert list(author.find_all("a")) == []


def crawl(client: TestClient, start: str) -> dict[str, int]:
    """GET every same-tool page reachable from ``start``; check in-page anchors too."""
    seen: dict[str, int] = {}
    queue = [start]
    while queue:
        url = queue.pop()
        path = urlsplit(url).path
        if path in seen:
            continue
        response = client.get(url)
        seen[path] = response.status_code
        if response.status_code != 200 or "text/html" not in response.headers["content-type"]:
            continue
        page = parse(response.text)
        ids = {el.attrs.get("id") for el in page.iter()}
        targets = [a.attrs.get("href") or "" for a in page.find_all("a")]
        targets += [
            f.attrs.get("action") or ""
            for f in page.find_all("form")
            if f.attrs.get("method", "get").lower() == "get"
        ]
        targets += [link.attrs.get("href") or "" for link in page.find_all("link")]
        for href in targets:
            parts = urlsplit(href)
            if href.startswith("#"):
                assert href[1:] in ids, f"{path}: no element with id {href}"
            elif parts.scheme == "data":
                continue  # written into the page (the icon, a course's logo): no request
            elif not parts.netloc or f"{parts.scheme}://{parts.netloc}" == TOOL_BASE_URL:
                queue.append(href)
    return seen


def test_every_link_on_the_course_pages_leads_to_a_page_that_exists(
    client: TestClient, learner: Learner
):
    seen = crawl(client, learner.url(lesson_url(learner)))
    assert {code for code in seen.values()} == {200}, seen
    worksheets = [p for p in seen if "/worksheets/" in p]
    templates = [p for p in worksheets if p.endswith(("/template.docx", "/template.pdf"))]
    assert (len(worksheets), len(templates)) == (8 + 16, 16)  # each page and its two files
    assert len([p for p in seen if "/exercises/" in p]) == 2
    assert any(p.endswith("/reading/interaktion-im-social-web") for p in seen)
    assert f"/c/{learner.context_id}/" in seen
    # the stylesheet: kurswerk.css with the demo course's accent (kurswerk.core.branding)
    assert any(p.startswith("/brand/kurswerk-") and p.endswith("-0b6e79.css") for p in seen)


def test_internal_links_of_every_kind_lead_to_their_pages(
    db: Session, content_copy, client: TestClient, make_learner: MakeLearner
):
    from course.content import load as content
    from tests.course.test_content_check import LESSON as LESSON_FILE
    from tests.course.test_content_check import edit

    edit(
        content_copy / LESSON_FILE,
        "Diese Erkenntnis ist eine zentrale",
        "Siehe [die Übung](uebung:art-der-kundenbeziehung), [den Gastbeitrag]"
        "(lektuere:interaktion-im-social-web), [diese Lektion](lektion:kundenbeziehungen)"
        " und [den Anfang](#grundlagen). Diese Erkenntnis ist eine zentrale",
    )
    assert content.check(content_copy) == []
    content.load(db, content_copy)
    db.commit()
    learner = make_learner()

    page = get_page(client, learner, lesson_url(learner))
    paragraph = next(
        p for p in page.find("div", cls="lesson-body").find_all("p") if "Siehe" in p.text
    )
    hrefs = [a.attrs["href"] for a in paragraph.find_all("a")]
    base = f"/c/{learner.context_id}"
    assert [urlsplit(h).path for h in hrefs[:3]] == [
        f"{base}/lessons/{LESSON}/exercises/art-der-kundenbeziehung",
        f"{base}/reading/interaktion-im-social-web",
        f"{base}/lessons/{LESSON}",
    ]
    assert hrefs[3] == "#grundlagen"
    for href in hrefs[:3]:
        assert parse_qs(urlsplit(href).query)["kt"]
        assert client.get(href).status_code == 200
