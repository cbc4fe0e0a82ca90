"""The course Markdown: blocks, labels, links, ids, and HTML that cannot run code."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from sqlmodel import Session

from course.content import load as content
from course.content.markdown import WORDS_PER_MINUTE, reading_minutes, render, sanitize, slugify
from tests.course.conftest import MakeLearner, mini_course
from tests.course.html_tools import parse

CARD = """## Anwendung

### Schritt

::: prozessschritt
- Aufgabe: wir definieren.
- Beteiligte: Social Media Management
- Vorgehensweise: wir prüfen.
- Ergebnis: Überblick.
- Beispiel einer Arbeitsvorlage [für die Analyse](vorlage:analyse).
:::
"""


def test_a_process_step_becomes_a_definition_list_keeping_the_words():
    result = render(CARD, lesson="l")
    assert result.problems == []
    card = parse(result.html).find("div", cls="process-step")
    rows = [(r.find("dt").clean_text, r.find("dd").clean_text) for r in card.find_all("div")]
    assert rows[-1] == ("Beispiel einer Arbeitsvorlage", "für die Analyse.")
    assert rows[0] == ("Aufgabe", "wir definieren.")
    assert card.find("h4").clean_text == "Prozessschritt: Schritt"


def test_a_process_steps_items_are_kept_as_plain_text_for_its_worksheet():
    step = render(CARD.replace("wir prüfen.", "wir *prüfen*\n  `genau`."), lesson="l").blocks[0]
    assert step.items == (
        ("task", "Aufgabe", "wir definieren."),
        ("participants", "Beteiligte", "Social Media Management"),
        ("approach", "Vorgehensweise", "wir prüfen genau."),
        ("result", "Ergebnis", "Überblick."),
        ("worksheet", "Beispiel einer Arbeitsvorlage", "für die Analyse."),
    )


def test_block_headings_sit_one_level_below_their_section():
    result = render(
        "## A\n\n::: arbeitsschritt x\nTun.\n:::\n\n### B\n\n::: arbeitsschritt y\nTun.\n:::\n"
    )
    tags = [el.tag for el in parse(result.html).iter() if el.tag.startswith("h")]
    assert tags == ["h2", "h3", "h3", "h4"]


def test_worksheet_links_become_internal_paths_and_are_recorded():
    result = render(CARD, lesson="kundenbeziehungen")
    assert 'href="kurswerk:lessons/kundenbeziehungen/worksheets/analyse"' in result.html
    [ref] = result.references
    assert (ref.kind, ref.target, ref.block_id) == (
        "worksheet",
        "analyse",
        "prozessschritt-schritt",
    )


def test_help_rungs_and_chosen_industries_become_internal_links_and_are_recorded():
    result = render(
        "## Übungen\n\n- die [FAQ](hilfe:faq)\n- [Medien](uebung:x?branche=media)\n",
        lesson="kundenbeziehungen",
    )
    assert result.problems == []
    assert 'href="kurswerk:hilfe/faq/kundenbeziehungen"' in result.html
    assert 'href="kurswerk:lessons/kundenbeziehungen/exercises/x?industry=media"' in result.html
    assert [(r.kind, r.target, r.industry, r.anchor) for r in result.references] == [
        ("help", "faq", "", "uebungen"),
        ("exercise", "x", "media", "uebungen"),
    ]


def test_a_malformed_rung_or_industry_link_is_a_problem_and_leads_nowhere():
    result = render(
        "[a](hilfe:) [b](uebung:x?branche=) [c](uebung:x?farbe=rot) [d](uebung:x?branche=Groß)",
        lesson="l",
        first_line=10,
    )
    assert [line for line, _ in result.problems] == [10, 10, 10, 10]
    assert "there is no help rung ''" in result.problems[0][1]
    assert result.html.count('href="#"') == 4 and result.references == []


def test_external_links_open_a_new_window_and_get_rel():
    html = render("[x](https://example.org)").html
    assert 'target="_blank"' in html and 'rel="noopener noreferrer"' in html


def test_problems_carry_file_lines_from_the_first_line_offset():
    result = render("## A\n\n::: kasten\nx\n:::\n", first_line=10)
    assert result.problems == [
        (12, "unknown block type 'kasten': use one of arbeitsschritt, prozessschritt")
    ]


def test_a_work_step_needs_an_id_and_ids_must_be_slugs():
    assert (
        render("::: arbeitsschritt\nx\n:::\n").problems[0][1].startswith("a work step needs an id")
    )
    injected = render('::: arbeitsschritt x"><script>alert(1)</script>\nx\n:::\n')
    assert "must be one slug" in injected.problems[0][1]
    assert "<script" not in injected.html


def test_slugs_are_ascii_and_never_collide_with_page_ids():
    assert slugify("Übungen & Maßnahmen") == "uebungen-massnahmen"
    assert slugify("Main") == "abschnitt-main"
    assert slugify("KW 12") == "abschnitt-kw-12"


def test_reading_minutes_round_up():
    assert reading_minutes(0) == 0
    assert reading_minutes(1) == 1
    assert reading_minutes(WORDS_PER_MINUTE) == 1
    assert reading_minutes(WORDS_PER_MINUTE + 1) == 2


def test_the_sanitiser_removes_what_could_run_even_if_the_renderer_let_it_through():
    dirty = (
        '<p onclick="steal()">a</p><script>alert(1)</script><img src=x onerror=alert(2)>'
        '<a href="javascript:alert(3)">j</a><iframe src="https://evil.example"></iframe>'
        '<a href="data:text/html,x">d</a><div style="position:fixed">s</div>'
    )
    clean = sanitize(dirty)
    dom = parse(clean)
    assert not [el for el in dom.iter() if el.tag in ("script", "img", "iframe", "style")]
    assert not [
        (el.tag, name)
        for el in dom.iter()
        for name in el.attrs
        if name.startswith("on") or name == "style"
    ]
    assert all(
        not (a.attrs.get("href") or "").startswith(("javascript:", "data:"))
        for a in dom.find_all("a")
    )
    assert "alert(1)" not in clean


MALICIOUS = """## Teil

<script>alert("x")</script>

Text <img src=x onerror="alert(1)"> und [klick](javascript:alert(1)) und
<a href="javascript:alert(2)" onmouseover="alert(3)">a</a> und
[daten](data:text/html;base64,PHNjcmlwdD4=).

::: arbeitsschritt boese
<iframe src="https://evil.example"></iframe> <b onmouseover="alert(4)">fett</b>
:::
"""


def test_malicious_content_is_neutralised_on_the_lesson_page(
    db: Session, tmp_path: Path, client: TestClient, make_learner: MakeLearner
):
    root = mini_course(tmp_path, MALICIOUS)
    assert content.check(root) == []  # nothing to complain about: it is shown as text
    content.load(db, root)
    db.commit()
    learner = make_learner()

    response = client.get(learner.url(f"/c/{learner.context_id}/lessons/eins"))

    assert response.status_code == 200
    body = parse(response.text).find("div", cls="lesson-body")
    assert not [el.tag for el in body.iter() if el.tag in ("script", "img", "iframe", "b")]
    assert not [name for el in body.iter() for name in el.attrs if name.startswith("on")]
    hrefs = [a.attrs.get("href") or "" for a in body.find_all("a")]
    assert not [h for h in hrefs if h.startswith(("javascript:", "data:"))]
    assert '<script>alert("x")</script>' in body.text  # visible as text, for the author to fix
