"""The worksheet template builders (``course.worksheets``): what the fillable PDF and the
Word document hold, and that every worksheet's PDF template of the real course, as the
worksheet page serves it, filled in and saved is accepted by the PDF check every
submission goes through.

The Word document is checked as a document (python-docx opens it and it holds the expected
table) and, for every worksheet of the real course, filled in and turned into a PDF the way
a learner does it, by a word processor: LibreOffice Writer, headless (Debian's
``libreoffice-writer-nogui``, which ``make setup-test`` installs). Microsoft Word's or
another program's PDF export is not run here; what a learner makes with it goes through the
same check when they upload it.
"""

from __future__ import annotations

import io
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import docx
import pikepdf
import pytest
from docx.enum.section import WD_ORIENT
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from course.content.load import LoadReport
from course.content.source import read_tree
from course.models import Lesson, Worksheet
from course.worksheets.layout import DEFAULT_BLANK_ROWS, Sheet, sheet, table_for
from course.worksheets.pdf import build_pdf
from course.worksheets.word import build_docx
from kurswerk.core.files.errors import PdfRejected
from kurswerk.core.files.pdf.check import PdfChecker
from tests.course.conftest import CONTENT, MakeLearner

KINDS = [
    "Persönliche Unterstützung",
    "Individuelle persönliche Unterstützung",
    "Selbstbedienung",
    "Automatisierte Dienstleistung",
    "Communitys",
    "Mitbeteiligung",
]
COLUMNS = ["Thema", "Nutzungsformate", "UserNutzen", "Motivation", "Partizipation"]
STEP = [
    {"role": "task", "label": "Aufgabe", "text": "Wir fassen die Handlungsoptionen zusammen."},
    {"role": "participants", "label": "Beteiligte", "text": "Verantwortliche für Social Media"},
    {"role": "approach", "label": "Vorgehensweise", "text": "Wir fassen die Optionen zusammen."},
    {"role": "result", "label": "Ergebnis", "text": "Überblick über die Handlungsoptionen."},
    {"role": "worksheet", "label": "Beispiel einer Arbeitsvorlage", "text": "Handlungsoptionen"},
]


def make_sheet(locale: str = "de", **table: Any) -> Sheet:
    declared = {"columns": COLUMNS, "rows": KINDS, "blank_rows": 2, "fields": ["Kundenbeziehung"]}
    return sheet(
        locale=locale,
        language="de",
        course_title="Social-Media-Strategie",
        lesson_title="Kundenbeziehungen",
        title="Kundenbeziehungen: Handlungsoptionen",
        step_title="Überblick Social Media Handlungsoptionen Kundenbeziehungen",
        step_items=STEP,
        table=declared | table,
    )


@pytest.fixture(scope="module")
def checker() -> Iterator[PdfChecker]:
    """The submission intake's PDF check (isolated workers), as uploads use it."""
    with PdfChecker(workers=1) as pdf_checker:
        yield pdf_checker


def fields_of(data: bytes) -> dict[str, str]:
    """Form field name -> tooltip (what a screen reader announces)."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        return {str(f.T): str(f.get("/TU", "")) for f in pdf.Root.AcroForm.Fields}


def page_count(data: bytes) -> int:
    with pikepdf.open(io.BytesIO(data)) as pdf:
        return len(pdf.pages)


# --- The table, as declared or by default ------------------------------------------------


def test_without_a_declared_table_the_default_is_topic_and_result_in_the_readers_language():
    german, english = table_for({}, "de"), table_for({}, "en")
    assert german.columns == ("Thema", "Ergebnis")
    assert english.columns == ("Topic", "Result")
    assert german.row_names == ("",) * DEFAULT_BLANK_ROWS
    assert not german.columns_are_content


def test_declared_rows_come_first_and_blank_rows_only_when_declared():
    assert table_for({"columns": COLUMNS, "rows": KINDS}, "de").row_names == tuple(KINDS)
    table = table_for({"columns": COLUMNS, "rows": KINDS, "blank_rows": 2}, "de")
    assert table.row_names == (*KINDS, "", "")
    assert table.columns_are_content


# --- The fillable PDF --------------------------------------------------------------------


def test_the_pdf_has_a_field_for_name_date_each_own_field_and_each_cell_to_fill():
    fields = fields_of(build_pdf(make_sheet()))
    assert [fields[f"feld_{n}"] for n in (1, 2, 3)] == ["Name", "Datum", "Kundenbeziehung"]
    cells = {name: tip for name, tip in fields.items() if name.startswith("zelle_")}
    # 6 named rows (their name printed, 4 cells each) + 2 blank rows (5 cells each)
    assert len(cells) == 6 * 4 + 2 * 5
    assert cells["zelle_5_2"] == "Communitys: Nutzungsformate"
    assert cells["zelle_7_1"] == "Zeile 7: Thema"


def test_the_pdf_names_its_fields_in_the_readers_language():
    fields = fields_of(build_pdf(make_sheet("en")))
    assert [fields["feld_1"], fields["feld_2"]] == ["Name", "Date"]
    assert fields["zelle_8_3"] == "Row 8: UserNutzen"  # the owner's column stays German


@pytest.mark.parametrize("blank_rows", [0, 2])
def test_a_table_that_fits_stays_on_the_first_page(blank_rows: int):
    """Its rows share the page's height: none spills over by a rounding error."""
    assert page_count(build_pdf(make_sheet(blank_rows=blank_rows))) == 1


def test_a_table_taller_than_a_page_goes_on_over_further_pages():
    long = make_sheet(rows=[f"Thema {n}" for n in range(1, 41)], blank_rows=0)
    data = build_pdf(long)
    assert page_count(data) > 1
    cells = [name for name in fields_of(data) if name.startswith("zelle_")]
    assert len(cells) == 40 * 4 and "zelle_40_5" in cells


def test_the_same_sheet_gives_the_same_pdf_bytes():
    assert build_pdf(make_sheet()) == build_pdf(make_sheet())


def test_the_empty_pdf_template_passes_the_submission_pdf_check(
    tmp_path: Path, checker: PdfChecker
):
    path = tmp_path / "vorlage.pdf"
    path.write_bytes(build_pdf(make_sheet()))
    assert checker.check(path).pages == 1


WORKSHEETS = [
    pytest.param(lesson.slug, worksheet.slug, id=worksheet.slug)
    for course in read_tree(CONTENT).courses
    for lesson in course.lessons
    for worksheet in lesson.worksheets
]
"""Every worksheet of the real course content, read from its files at collection."""


def test_the_fill_and_save_check_covers_every_worksheet_the_course_loads(
    db: Session, loaded: LoadReport
):
    in_database = {
        (lesson, worksheet)
        for lesson, worksheet in db.exec(
            select(Lesson.slug, Worksheet.slug).join(Lesson, Worksheet.lesson_id == Lesson.id)
        ).all()
    }
    assert in_database and in_database == {tuple(param.values) for param in WORKSHEETS}


def fill_and_save(template: Path, filled: Path, *, appearances: str) -> int:
    """What a learner does in a PDF viewer: a text in every field, then save. A viewer
    writes the values and either draws them (appearance streams) or asks the next reader
    to (``NeedAppearances``). Returns the number of fields filled."""
    with pikepdf.open(template) as pdf:
        fields = list(pdf.Root.AcroForm.Fields)
        for field in fields:
            assert str(field.FT) == "/Tx" and "/Kids" not in field, field.T
            field.V = pikepdf.String(f"{field.T}: Kundenbindung über Communitys – 100 €")
        if appearances == "generated":
            pdf.generate_appearance_streams()
        else:
            pdf.Root.AcroForm.NeedAppearances = True
        pdf.save(filled)
    return len(fields)


@pytest.mark.parametrize(("lesson", "worksheet"), WORKSHEETS)
def test_every_served_pdf_template_filled_and_saved_passes_the_submission_pdf_check(
    client: TestClient,
    make_learner: MakeLearner,
    loaded: LoadReport,
    checker: PdfChecker,
    tmp_path: Path,
    lesson: str,
    worksheet: str,
):
    """The fillable PDF as the worksheet page serves it, in both languages, filled in
    every field and saved either way a viewer saves: the one PDF a learner hands in."""
    for locale in ("de", "en"):
        reader = make_learner(locale=locale)
        path = f"/c/{reader.context_id}/lessons/{lesson}/worksheets/{worksheet}/template.pdf"
        response = client.get(reader.url(path))
        assert response.status_code == 200, (locale, response.status_code)
        template = tmp_path / f"vorlage-{locale}.pdf"
        template.write_bytes(response.content)
        for appearances in ("generated", "left to the viewer"):
            filled = tmp_path / f"ausgefuellt-{locale}-{appearances}.pdf"
            count = fill_and_save(template, filled, appearances=appearances)

            report = checker.check(filled)

            assert report.pages == page_count(response.content), (locale, appearances)
            with pikepdf.open(filled) as pdf:
                values = [str(f.V) for f in pdf.Root.AcroForm.Fields]
            assert len(values) == count > 2  # name, date and the table's cells
            assert all(
                value.endswith(": Kundenbindung über Communitys – 100 €") for value in values
            )


def test_the_check_still_refuses_a_filled_template_someone_added_a_script_to(
    tmp_path: Path, checker: PdfChecker
):
    """The template is no way around the check: the same file with JavaScript is refused."""
    template = tmp_path / "vorlage.pdf"
    template.write_bytes(build_pdf(make_sheet()))
    with pikepdf.open(template, allow_overwriting_input=True) as pdf:
        script = pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert(1)"))
        pdf.Root.AcroForm.Fields[0].AA = pikepdf.Dictionary(K=script)
        pdf.save(template)
    with pytest.raises(PdfRejected) as refused:
        checker.check(template)
    assert refused.value.code == "active_content"


# --- The Word document -------------------------------------------------------------------


def open_docx(data: bytes) -> Any:
    return docx.Document(io.BytesIO(data))


def test_the_docx_holds_the_table_with_the_declared_headings_and_row_names():
    document = open_docx(build_docx(make_sheet()))
    fields, table = document.tables
    assert [row.cells[0].text for row in fields.rows] == ["Name", "Datum", "Kundenbeziehung"]
    assert [cell.text for cell in table.rows[0].cells] == COLUMNS
    assert [row.cells[0].text for row in table.rows[1:]] == [*KINDS, "", ""]
    assert all(cell.text == "" for row in table.rows[1:] for cell in row.cells[1:])
    header = table.rows[0]._tr.trPr
    assert header is not None and header.xpath("./w:tblHeader")  # repeats on each page


def test_the_docx_repeats_the_steps_task_approach_and_result_but_not_who_takes_part():
    texts = [p.text for p in open_docx(build_docx(make_sheet())).paragraphs]
    assert "Kundenbeziehungen: Handlungsoptionen" in texts
    assert "Aufgabe: Wir fassen die Handlungsoptionen zusammen." in texts
    assert "Vorgehensweise: Wir fassen die Optionen zusammen." in texts
    assert "Ergebnis: Überblick über die Handlungsoptionen." in texts
    assert not any("Verantwortliche" in text for text in texts)


def test_the_english_docx_has_english_labels_and_marks_the_owners_german_text():
    document = open_docx(build_docx(make_sheet("en")))
    task = next(p for p in document.paragraphs if p.text.startswith("Task: "))
    label, text = task.runs
    assert label.text == "Task: " and label._r.xpath("./w:rPr/w:lang/@w:val") == ["en"]
    assert text._r.xpath("./w:rPr/w:lang/@w:val") == ["de"]
    assert document.core_properties.title == "Kundenbeziehungen: Handlungsoptionen"
    assert [row.cells[0].text for row in document.tables[0].rows][:2] == ["Name", "Date"]


def test_a_wide_table_is_set_in_landscape_a_narrow_one_in_portrait():
    wide = open_docx(build_docx(make_sheet()))
    narrow = open_docx(build_docx(make_sheet(columns=["Thema", "Ergebnis"], rows=[])))
    assert wide.sections[0].orientation == WD_ORIENT.LANDSCAPE
    assert narrow.sections[0].orientation == WD_ORIENT.PORTRAIT
    assert wide.sections[0].page_width > wide.sections[0].page_height


SOFFICE = shutil.which("soffice")
"""LibreOffice, the word processor the test runs (``make setup-test`` installs it)."""
FILLED = "Kundenbindung über Communitys – 100 €"


def fill_docx(data: bytes) -> Any:
    """What a learner does in a word processor: a text in every empty cell of every table
    (the fields under Name and Datum and the table's cells to fill)."""
    document = open_docx(data)
    filled = 0
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                if not cell.text:
                    cell.text = FILLED
                    filled += 1
    assert filled > 2, "no cells to fill"
    return document


def test_every_served_docx_filled_and_exported_as_pdf_by_libreoffice_passes_the_pdf_check(
    client: TestClient,
    make_learner: MakeLearner,
    loaded: LoadReport,
    checker: PdfChecker,
    tmp_path: Path,
):
    """Every worksheet's Word template as the page serves it, in German and English, filled
    in and exported as PDF by LibreOffice Writer: the PDF passes the submission check. One
    LibreOffice run converts them all (it takes seconds to start)."""
    assert SOFFICE, "LibreOffice is missing: `make setup-test` installs libreoffice-writer-nogui"
    sources, titles = tmp_path / "docx", {}
    sources.mkdir()
    for locale in ("de", "en"):
        reader = make_learner(locale=locale)
        for lesson, worksheet in (param.values for param in WORKSHEETS):
            path = f"/c/{reader.context_id}/lessons/{lesson}/worksheets/{worksheet}"
            response = client.get(reader.url(path + "/template.docx"))
            assert response.status_code == 200, (worksheet, locale)
            document = fill_docx(response.content)
            name = f"{worksheet}-{locale}"
            document.save(sources / f"{name}.docx")
            titles[name] = document.core_properties.title
    exported = tmp_path / "pdf"
    subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(exported),
            *sorted(str(p) for p in sources.iterdir()),
        ],
        check=True,
        capture_output=True,
        timeout=600,
    )

    refused = {}
    for name, title in titles.items():
        pdf_path = exported / f"{name}.pdf"
        try:
            report = checker.check(pdf_path)
        except PdfRejected as rejected:
            refused[name] = rejected.code
            continue
        assert report.pages >= 1, name
        with pikepdf.open(pdf_path) as pdf:
            assert str(pdf.docinfo["/Title"]) == title, name  # the template, as filled in
    assert refused == {}
