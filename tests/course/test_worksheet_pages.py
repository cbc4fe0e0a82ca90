"""The worksheet page and its downloads over HTTP: what the step asks, the table, the
template files in the reader's language, the owner's own file, and who may fetch what."""

from __future__ import annotations

import io
import shutil
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import docx
import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from course import binding
from course.content import load as content
from course.models import Worksheet, WorksheetFile
from tests.course.conftest import CONTENT, SECOND, Learner, MakeLearner, second_course
from tests.course.html_tools import Element, parse
from tests.course.test_content_check import LESSON as LESSON_FILE
from tests.course.test_content_check import edit

LESSON = "kundenbeziehungen"
SHEET = "uebersicht-kundenbeziehungen"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
KINDS = [
    "Persönliche Unterstützung",
    "Individuelle persönliche Unterstützung",
    "Selbstbedienung",
    "Automatisierte Dienstleistung",
    "Communitys",
    "Mitbeteiligung",
]


def sheet_path(context_id: int, slug: str = SHEET) -> str:
    return f"/c/{context_id}/lessons/{LESSON}/worksheets/{slug}"


def get_page(client: TestClient, learner: Learner, slug: str = SHEET) -> Element:
    response = client.get(learner.url(sheet_path(learner.context_id, slug)))
    assert response.status_code == 200
    return parse(response.text)


def downloads(page: Element) -> list[Element]:
    return list(page.find(id="kw-downloads").find("ul", cls="download-list").find_all("a"))


# --- The page ----------------------------------------------------------------------------


def test_the_page_shows_what_the_step_asks_and_the_table_of_the_template(
    client: TestClient, learner: Learner
):
    page = get_page(client, learner)
    assert page.find("h1").clean_text == "Übersicht Kundenbeziehungen"
    step = page.find("dl", cls="facts")
    labels = [dt.clean_text for dt in step.find_all("dt")]
    assert labels == ["Aufgabe", "Beteiligte", "Vorgehensweise", "Ergebnis"]
    result = list(step.find_all("dd"))[3]
    assert result.clean_text == "Kundenbeziehungen des Unternehmens, nach Art und Priorität."
    assert result.attrs["lang"] == "de"
    table = page.find("table", cls="worksheet-table")
    assert [th.clean_text for th in table.find("thead").find_all("th")] == [
        "Art der Kundenbeziehung",
        "Im Geschäftsmodell vorhanden?",
        "Beschreibung",
        "Priorität",
    ]
    rows = [th.clean_text for th in table.find("tbody").find_all("th", scope="row")]
    assert rows == KINDS


def test_the_page_offers_both_templates_with_their_size(client: TestClient, learner: Learner):
    links = downloads(get_page(client, learner))
    texts = [a.clean_text for a in links]
    assert texts[0].startswith("Als Word-Dokument (.docx) · ") and texts[0].endswith(" KB")
    assert texts[1].startswith("Als ausfüllbares PDF · ") and texts[1].endswith(" KB")
    base = sheet_path(learner.context_id)
    assert [urlsplit(a.attrs["href"]).path for a in links] == [
        f"{base}/template.docx",
        f"{base}/template.pdf",
    ]
    for link in links:
        assert parse_qs(urlsplit(link.attrs["href"]).query)["kt"]  # works inside the LMS frame
        response = client.get(link.attrs["href"])
        shown = link.find("span", cls="download-list__size").clean_text
        assert shown == f"· {max(1, round(len(response.content) / 1024))} KB"


def test_the_page_links_back_to_its_step_and_to_the_upload_at_the_lessons_end(
    client: TestClient, learner: Learner
):
    """The step's card on the page named the worksheet by linking to the page itself; now
    the page shows the step's items and links back to the step in the lesson."""
    page = get_page(client, learner)
    lesson = f"/c/{learner.context_id}/lessons/{LESSON}"
    here = sheet_path(learner.context_id)
    hrefs = [a.attrs.get("href") or "" for a in page.find("main").find_all("a")]
    assert all(urlsplit(href).path != here for href in hrefs)
    back = next(a for a in page.find_all("a") if a.clean_text.startswith("Zurück zum"))
    target = urlsplit(back.attrs["href"])
    assert (target.path, target.fragment) == (
        lesson,
        "prozessschritt-definition-der-bestehenden-kundenbeziehungen",
    )
    hand_in = page.find(id="kw-downloads").find("p")
    assert "als eine PDF-Datei ein" in hand_in.clean_text
    upload = urlsplit(hand_in.find("a").attrs["href"])
    assert (upload.path, upload.fragment) == (lesson, "kw-upload")


def test_the_lessons_example_link_leads_to_the_worksheet_page(client: TestClient, learner: Learner):
    response = client.get(learner.url(f"/c/{learner.context_id}/lessons/{LESSON}"))
    card = parse(response.text).find(
        id="prozessschritt-definition-der-bestehenden-kundenbeziehungen"
    )
    example = card.find("a")
    assert example.clean_text == "Übersicht Kundenbeziehungen"
    assert urlsplit(example.attrs["href"]).path == sheet_path(learner.context_id)


def test_in_english_the_page_and_the_templates_label_in_english_and_keep_the_course_german(
    client: TestClient, make_learner: MakeLearner, loaded
):
    english = make_learner(locale="en")
    page = get_page(client, english, "handlungsoptionen")
    assert [dt.clean_text for dt in page.find("dl", cls="facts").find_all("dt")] == [
        "Task",
        "People involved",
        "Approach",
        "Result",
    ]
    texts = [a.clean_text for a in downloads(page)]
    assert texts[0].startswith("As a Word document (.docx)")
    assert texts[1].startswith("As a fillable PDF")
    assert page.find("h1").attrs["lang"] == "de"
    assert page.find("table", cls="worksheet-table").find("th").attrs["lang"] == "de"
    blank = page.find("table", cls="worksheet-table").find("td", cls="muted")
    assert blank.clean_text == "8 empty rows to fill in"

    response = client.get(
        english.url(sheet_path(english.context_id, "handlungsoptionen") + "/template.docx")
    )
    document = docx.Document(io.BytesIO(response.content))
    assert any(p.text.startswith("Task: Wir fassen") for p in document.paragraphs)


def test_a_worksheet_without_a_declared_table_offers_the_default_in_the_readers_language(
    db: Session, content_copy: Path, client: TestClient, make_learner: MakeLearner
):
    edit(
        content_copy / LESSON_FILE,
        "    columns: [Thema, Nutzungsformate, UserNutzen, Motivation, Partizipation]\n",
        "",
    )
    content.load(db, content_copy)
    db.commit()
    english = make_learner(locale="en")
    table = get_page(client, english, "handlungsoptionen").find("table", cls="worksheet-table")
    assert [th.clean_text for th in table.find("thead").find_all("th")] == ["Topic", "Result"]
    assert "lang" not in table.find("th").attrs


# --- The downloads -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "media_type", "magic"),
    [("docx", DOCX, b"PK\x03\x04"), ("pdf", "application/pdf", b"%PDF-")],
)
def test_a_template_downloads_as_an_attachment_of_its_type_with_a_safe_name(
    client: TestClient, learner: Learner, fmt: str, media_type: str, magic: bytes
):
    response = client.get(
        learner.url(sheet_path(learner.context_id, "handlungsoptionen") + f"/template.{fmt}")
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == media_type
    assert response.content.startswith(magic) and len(response.content) > 1000
    disposition = response.headers["content-disposition"]
    assert disposition.startswith(
        f'attachment; filename="Kundenbeziehungen_ Handlungsoptionen.{fmt}"'
    )
    assert f"filename*=UTF-8''Kundenbeziehungen%3A%20Handlungsoptionen.{fmt}" in disposition
    assert response.headers["x-content-type-options"] == "nosniff"


def test_the_docx_download_holds_the_declared_table(client: TestClient, learner: Learner):
    response = client.get(learner.url(sheet_path(learner.context_id) + "/template.docx"))
    table = docx.Document(io.BytesIO(response.content)).tables[1]
    assert [c.text for c in table.rows[0].cells][:2] == [
        "Art der Kundenbeziehung",
        "Im Geschäftsmodell vorhanden?",
    ]
    assert [row.cells[0].text for row in table.rows[1:]] == KINDS


def test_a_new_content_load_serves_the_changed_table(
    db: Session, content_copy: Path, client: TestClient, make_learner: MakeLearner
):
    """The templates are cached under the course's content version: a load that changes
    the table changes what is served, without a restart."""
    content.load(db, content_copy)
    db.commit()
    learner = make_learner()
    url = learner.url(sheet_path(learner.context_id, "handlungsoptionen") + "/template.docx")
    before = docx.Document(io.BytesIO(client.get(url).content)).tables[1]
    assert before.rows[0].cells[4].text == "Partizipation"

    edit(content_copy / LESSON_FILE, "Motivation, Partizipation]", "Motivation, Beteiligung]")
    content.load(db, content_copy)
    db.commit()

    after = docx.Document(io.BytesIO(client.get(url).content)).tables[1]
    assert after.rows[0].cells[4].text == "Beteiligung"


@pytest.mark.parametrize(
    "tail",
    ["/template.odt", "/template.", "/file", "x/template.pdf"],
    ids=["unknown-format", "no-format", "no-own-file", "unknown-worksheet"],
)
def test_what_does_not_exist_is_a_404(client: TestClient, learner: Learner, tail: str):
    response = client.get(learner.url(sheet_path(learner.context_id) + tail))
    assert response.status_code == 404


def test_a_learner_of_another_lms_course_cannot_fetch_the_templates(
    client: TestClient, learner: Learner, make_learner: MakeLearner
):
    stranger = make_learner()  # a session for another LMS course
    for tail in ("", "/template.docx", "/template.pdf"):
        response = client.get(stranger.url(sheet_path(learner.context_id) + tail))
        assert response.status_code == 403, tail
    assert client.get(sheet_path(learner.context_id) + "/template.pdf").status_code == 401


def test_an_lms_course_bound_to_another_course_finds_no_such_worksheet(
    client: TestClient, db: Session, tmp_path: Path, make_learner: MakeLearner
):
    content.load(db, second_course(tmp_path))
    db.commit()
    other = make_learner()
    binding.bind_course(db, other.context_id, SECOND)
    db.commit()
    for tail in ("", "/template.docx", "/template.pdf"):
        response = client.get(other.url(sheet_path(other.context_id) + tail))
        assert response.status_code == 404, tail


# --- The owner's own file ----------------------------------------------------------------


def owners_docx() -> bytes:
    document = docx.Document()
    document.add_heading("Handlungsoptionen (Vorlage der Kursleitung)", level=1)
    document.add_table(rows=3, cols=5)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def with_own_file(db: Session, tmp_path: Path) -> tuple[Path, bytes]:
    """The real course, its worksheet ``handlungsoptionen`` carrying the owner's .docx."""
    root = tmp_path / "content"
    shutil.copytree(CONTENT, root)
    course = root / "social-media-strategie"
    (course / "vorlagen").mkdir()
    data = owners_docx()
    (course / "vorlagen" / "handlungsoptionen.docx").write_bytes(data)
    edit(
        root / LESSON_FILE,
        "    columns: [Thema, Nutzungsformate, UserNutzen, Motivation, Partizipation]\n",
        "    columns: [Thema, Nutzungsformate, UserNutzen, Motivation, Partizipation]\n"
        "    file: vorlagen/handlungsoptionen.docx\n",
    )
    assert content.check(root) == []
    content.load(db, root)
    db.commit()
    return root, data


def test_the_owners_file_is_offered_first_and_served_as_it_is(
    client: TestClient, make_learner: MakeLearner, with_own_file: tuple[Path, bytes]
):
    _root, data = with_own_file
    learner = make_learner()
    links = downloads(get_page(client, learner, "handlungsoptionen"))
    assert links[0].clean_text.startswith("Arbeitsvorlage der Kursleitung (.docx) · ")
    assert len(links) == 3  # and the two built from the lesson
    href = links[0].attrs["href"]
    assert urlsplit(href).path == sheet_path(learner.context_id, "handlungsoptionen") + "/file"

    response = client.get(href)
    assert response.status_code == 200
    assert response.content == data
    assert response.headers["content-type"] == DOCX
    assert response.headers["content-disposition"].startswith(
        'attachment; filename="Kundenbeziehungen_ Handlungsoptionen.docx"'
    )
    assert response.headers["x-content-type-options"] == "nosniff"


def test_a_worksheet_without_an_own_file_offers_only_the_built_ones(
    client: TestClient, make_learner: MakeLearner, with_own_file: tuple[Path, bytes]
):
    learner = make_learner()
    assert len(downloads(get_page(client, learner, SHEET))) == 2
    assert client.get(learner.url(sheet_path(learner.context_id) + "/file")).status_code == 404


def test_loading_a_changed_own_file_replaces_it_and_dropping_the_key_removes_it(
    db: Session, with_own_file: tuple[Path, bytes]
):
    root, _data = with_own_file
    own = root / "social-media-strategie" / "vorlagen" / "handlungsoptionen.docx"
    document = docx.Document(io.BytesIO(owners_docx()))
    document.add_paragraph("Stand: Dezember")
    buffer = io.BytesIO()
    document.save(buffer)
    own.write_bytes(buffer.getvalue())
    content.load(db, root)
    db.commit()
    db.expire_all()
    (row,) = db.exec(select(WorksheetFile)).all()
    assert row.data == buffer.getvalue() and row.size == len(buffer.getvalue())

    edit(root / LESSON_FILE, "    file: vorlagen/handlungsoptionen.docx\n", "")
    content.load(db, root)
    db.commit()
    db.expire_all()
    assert db.exec(select(WorksheetFile)).all() == []
    assert len(db.exec(select(Worksheet)).all()) == 8
