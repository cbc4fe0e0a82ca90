"""A course's own look from its course.yaml: the accent colour, checked for contrast when
the course is loaded, and the logo; the course's pages carry both."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from course.content.load import check
from kurswerk.core.branding import stylesheet_version
from kurswerk.core.contrast import contrast_ratio
from tests.course.conftest import CONTENT, Learner
from tests.course.html_tools import parse

COURSE = "social-media-strategie"
COURSE_YAML = f"{COURSE}/course.yaml"
DEMO_ACCENT = "#0b6e79"


def set_branding(root: Path, block: str) -> Path:
    """``course.yaml`` of the copy at ``root`` with ``block`` for the real one's branding."""
    path = root / COURSE_YAML
    text = (CONTENT / COURSE_YAML).read_text(encoding="utf-8")
    start = text.index("accent:")
    end = text.index("\n", text.index("logo_alt:")) + 1
    path.write_text(text[:start] + block + text[end:], encoding="utf-8")
    return path


def problems_of(root: Path) -> list[tuple[int, str]]:
    return [(p.line, p.message) for p in check(root) if p.path.endswith("course.yaml")]


def test_contrast_ratio_follows_wcag():
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio("#ffffff", "#ffffff") == pytest.approx(1.0)
    assert contrast_ratio("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)


def test_a_pale_accent_is_refused_naming_file_line_and_ratio(content_copy: Path):
    path = set_branding(content_copy, 'accent: "#4fa3e0"\n')
    problems = [p for p in check(content_copy) if p.path == str(path)]
    assert len(problems) == 1
    assert problems[0].line == path.read_text().splitlines().index('accent: "#4fa3e0"') + 1
    assert "accent #4fa3e0 has a contrast ratio of 2.75:1 against white" in problems[0].message
    assert "4.5:1" in problems[0].message


def test_an_accent_of_exactly_enough_contrast_is_accepted(content_copy: Path):
    set_branding(content_copy, 'accent: "#767676"\n')  # 4.54:1 against white
    assert problems_of(content_copy) == []


def test_an_unquoted_accent_is_explained(content_copy: Path):
    set_branding(content_copy, "accent: #0b6e79\n")  # YAML: a comment, so no value
    (problem,) = problems_of(content_copy)
    assert "in quotes" in problem[1]


def test_a_logo_must_be_a_small_image_in_the_course_folder(content_copy: Path):
    set_branding(content_copy, "logo: ../outside.svg\n")
    assert "not a file in the course's folder" in problems_of(content_copy)[0][1]
    (content_copy / COURSE / "fake.png").write_bytes(b"<svg/>")
    set_branding(content_copy, "logo: fake.png\n")
    assert "is not an PNG image" in problems_of(content_copy)[0][1]
    (content_copy / COURSE / "big.svg").write_text("<svg>" + " " * 30_000 + "</svg>")
    set_branding(content_copy, "logo: big.svg\n")
    assert "at most 24576" in problems_of(content_copy)[0][1]


def _stylesheets(html: str) -> list[str]:
    return [str(link.attrs["href"]) for link in parse(html).find_all("link", rel="stylesheet")]


def test_course_pages_carry_the_accent_and_the_logo(client: TestClient, learner: Learner):
    response = client.get(learner.url(f"/c/{learner.context_id}/lessons/kundenbeziehungen"))
    branded = f"/brand/kurswerk-{stylesheet_version()}-0b6e79.css"
    assert _stylesheets(response.text) == [branded]  # one stylesheet, with the accent
    logo = parse(response.text).find("img", cls="brand__logo")
    assert logo.attrs["alt"] == "Social-Media-Strategie"
    assert (logo.attrs["src"] or "").startswith("data:image/svg+xml;base64,")
    home = client.get(learner.url(f"/c/{learner.context_id}/"))
    assert _stylesheets(home.text) == [branded]


def test_a_page_off_a_course_has_kurswerks_own_stylesheet(client: TestClient):
    sheets = _stylesheets(client.get("/dev/patterns").text)
    assert len(sheets) == 1 and "/static/kurswerk.css?v=" in sheets[0]


def test_the_branded_stylesheet_is_kurswerk_css_with_the_accent(client: TestClient):
    response = client.get(f"/brand/kurswerk-{stylesheet_version()}-0b6e79.css")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/css")
    assert response.text.rstrip().endswith(f":root {{ --accent: {DEMO_ACCENT}; }}")
    assert "immutable" in response.headers["cache-control"]
    # the font files are addressed where they are, not beside this file
    assert 'url("/static/vendor/source-sans-3/files/' in response.text
    assert 'url("vendor/' not in response.text
    assert client.get(f"/static/{font_path(response.text)}").status_code == 200
    stale = client.get("/brand/kurswerk-000000000000-0b6e79.css")
    assert stale.status_code == 200 and stale.headers["cache-control"] == "no-cache"
    assert client.get(f"/brand/kurswerk-{stylesheet_version()}-4fa3e0.css").status_code == 404
    assert client.get(f"/brand/kurswerk-{stylesheet_version()}-red.css").status_code == 404


def font_path(css: str) -> str:
    start = css.index('url("/static/') + len('url("/static/')
    return css[start : css.index('"', start)]
