"""The lesson and the guest article as pages: the owner's text kept word for word, and
its structure (parts, TOC, work steps, process-step cards, worksheets) counted against
the owner's original files (a copy lives in tests/course/seeds/)."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from course.models import Worksheet
from tests.course.conftest import SEEDS, Learner
from tests.course.html_tools import Element, normalise, parse

SEED_LESSON = (SEEDS / "lesson-kundenbeziehungen.txt").read_text(encoding="utf-8").splitlines()
SEED_ARTICLE = (SEEDS / "article-interaktion-social-web.txt").read_text(encoding="utf-8")
PROCESS_LINE = re.compile(r"^- (Aufgabe|Beteiligte|Vorgehensweise|Ergebnis|Beispiele? )")
WORKSHEET_LINE = re.compile(r"^- Beispiele? (einer )?Arbeitsvorlage")


@pytest.fixture
def lesson(client: TestClient, learner: Learner) -> Element:
    response = client.get(learner.url(f"/c/{learner.context_id}/lessons/kundenbeziehungen"))
    assert response.status_code == 200
    return parse(response.text)


@pytest.fixture
def body(lesson: Element) -> Element:
    return lesson.find("div", cls="lesson-body")


def process_groups() -> list[list[str]]:
    """The seed's process steps: runs of '- Aufgabe: ...' up to the worksheet line."""
    groups: list[list[str]] = []
    for line in SEED_LESSON:
        if line.startswith("- Aufgabe:"):
            groups.append([])
        if groups and PROCESS_LINE.match(line) and len(groups[-1]) < 5:
            groups[-1].append(line[2:])
    return groups


def test_the_lesson_has_the_parts_grundlagen_anwendung_uebungen(body: Element):
    parts = [section.find("h2").clean_text for section in body.find_all("section", "lesson-part")]
    assert parts == ["Grundlagen", "Anwendung", "Übungen"]
    assert all(part in SEED_LESSON for part in parts)


def test_the_table_of_contents_is_a_labelled_nav_of_the_headings(lesson: Element, body: Element):
    toc = lesson.find("nav", cls="toc")
    assert toc.attrs.get("aria-label") == "Inhaltsverzeichnis"
    targets = [a.attrs["href"] for a in toc.find_all("a")]
    headings = [h for h in body.iter() if h.tag in ("h2", "h3") and h.attrs.get("id")]
    assert targets == [f"#{h.attrs['id']}" for h in headings]
    assert [a.clean_text for a in toc.find_all("a")] == [h.clean_text for h in headings]
    assert len(targets) > 10


def test_headings_start_at_one_h1_and_never_skip_a_level(lesson: Element):
    main = lesson.find("main")
    levels = [int(el.tag[1]) for el in main.iter() if re.fullmatch(r"h[1-6]", el.tag)]
    assert levels.count(1) == 1 and levels[0] == 1
    for previous, current in zip(levels, levels[1:], strict=False):
        assert current <= previous + 1, levels


def test_every_arbeitsschritt_of_the_seed_is_a_visible_work_step(body: Element):
    seed_steps = [
        line.split(": ", 1)[1] for line in SEED_LESSON if line.startswith("Arbeitsschritt:")
    ]
    blocks = list(body.find_all("div", cls="work-step"))
    assert len(blocks) == len(seed_steps) == 2
    for block, text in zip(blocks, seed_steps, strict=True):
        heading = next(el for el in block.iter() if re.fullmatch(r"h[2-6]", el.tag))
        assert heading.clean_text == "Arbeitsschritt"
        assert block.find("div", cls="work-step__body").clean_text == text


def test_every_process_step_of_the_seed_is_a_card_with_its_fields(body: Element):
    groups = process_groups()
    cards = list(body.find_all("div", cls="process-step"))
    assert len(cards) == len(groups) == 8
    for card, lines in zip(cards, groups, strict=True):
        heading = next(el for el in card.iter() if re.fullmatch(r"h[2-6]", el.tag))
        assert heading.clean_text.startswith("Prozessschritt")
        rows = [
            (row.find("dt").clean_text, row.find("dd").clean_text)
            for row in card.find_all("div", cls="process-step__row")
        ]
        assert [label for label, _ in rows][:4] == [
            "Aufgabe",
            "Beteiligte",
            "Vorgehensweise",
            "Ergebnis",
        ]
        for (label, value), line in zip(rows, lines, strict=True):
            assert line in (f"{label}: {value}", f"{label} {value}")


def test_each_worksheet_the_seed_names_is_a_record_shown_where_named(
    body: Element, lesson: Element, db: Session, learner: Learner
):
    named = [line for line in SEED_LESSON if WORKSHEET_LINE.match(line)]
    sheets = db.exec(select(Worksheet).order_by(Worksheet.position)).all()
    assert len(sheets) == len(named) == 8
    for card, sheet in zip(body.find_all("div", cls="process-step"), sheets, strict=True):
        hrefs = [a.attrs["href"] for a in card.find_all("a")]
        target = f"/c/{learner.context_id}/lessons/kundenbeziehungen/worksheets/{sheet.slug}?"
        assert any(h.startswith(target) for h in hrefs), (sheet.slug, hrefs)
        assert sheet.step_anchor == card.attrs["id"]
    listed = lesson.find("section", aria_labelledby="kw-worksheets")
    assert [a.clean_text for a in listed.find_all("a")] == [s.title for s in sheets]


def test_the_owners_wording_is_kept_sentence_for_sentence(lesson: Element):
    text = normalise(lesson.find("main").text)
    header, rest = SEED_LESSON[:4], SEED_LESSON[4:]
    assert header[2].startswith("Lernziel: ") and header[2].split(": ", 1)[1] in text
    assert "Wilfried Schock" in text
    assert "Lesezeit" in text and "ca. 18 Minuten" in text
    missing = []
    for line in rest:
        if PROCESS_LINE.match(line):  # a card row: the label is a <dt>, the rest its <dd>
            line = line.replace(": ", " ", 1)
        line = line.removeprefix("- ")
        if line.startswith("Arbeitsschritt: "):  # the block's heading says "Arbeitsschritt"
            line = line.split(": ", 1)[1]
        if normalise(line) not in text:
            missing.append(line)
    assert missing == []


def test_the_lesson_links_its_further_reading(lesson: Element, learner: Learner):
    section = lesson.find("section", aria_labelledby="kw-reading")
    assert section.find("h2").clean_text == "Weiterführende Literatur"
    link = section.find("a")
    assert link.attrs["href"].startswith(
        f"/c/{learner.context_id}/reading/interaktion-im-social-web?"
    )
    assert link.clean_text == SEED_ARTICLE.splitlines()[0]


def test_the_guest_article_keeps_its_wording_and_credits_its_author(
    client: TestClient, learner: Learner
):
    response = client.get(learner.url(f"/c/{learner.context_id}/reading/interaktion-im-social-web"))
    assert response.status_code == 200
    page = parse(response.text)
    text = normalise(page.find("main").text)
    # Left out on purpose: the row of share buttons of the original web page.
    share_buttons = "Teilen auf LinkedIn Teilen auf Xing"
    missing = []
    for line in SEED_ARTICLE.splitlines():
        line = re.sub(r"^\s*(•|\d+\.)\s*", "", line).strip()
        if line and not line.startswith(share_buttons) and normalise(line) not in text:
            missing.append(line)
    assert missing == []
    credit = page.find("p", cls="credit")
    assert normalise(credit.text).startswith("Gastbeitrag von: René F. Lisi – www.share4you.ch")
    assert credit.find("a").attrs["href"] == "https://www.share4you.ch"
    headings = [h.clean_text for h in page.find("div", cls="prose").find_all("h2")]
    assert "Wie verhält es sich bei erfolgreichen Kundenbeziehungen?" in headings
    assert len(list(page.find("div", cls="prose").find_all("p"))) > 10


def test_the_web_addresses_in_the_owners_text_are_links(lesson: Element):
    """The industry suggestions name CouchStyle's and ZEIT's addresses: they are links
    that open outside the LMS frame, their text the owner's."""
    links = {
        a.attrs["href"]: a for a in lesson.find("main").find_all("a") if "://" in a.attrs["href"]
    }
    for href, text in (("https://www.couchstyle.de", "https://www.couchstyle.de"),
                       ("https://www.zeit.de", "zeit.de")):  # fmt: skip
        assert href in links, f"no link to {href}"
        assert links[href].clean_text == text
        assert links[href].attrs["target"] == "_blank"
