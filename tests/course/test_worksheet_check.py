"""`content check` on a lesson's ``worksheets:``: the declared table and the owner's own
file are checked, each problem reported as file:line."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path

import docx
import pikepdf
import pytest

from course.content.load import check
from course.worksheets.layout import sheet
from course.worksheets.pdf import build_pdf
from tests.course.test_content_check import COURSE, LESSON, edit, line_of

COLUMNS = "    columns: [Thema, Nutzungsformate, UserNutzen, Motivation, Partizipation]\n"
"""The columns line of the worksheet ``handlungsoptionen`` (the last in the front matter)."""


def declare(root: Path, lines: str, *, replace_columns: bool = False) -> None:
    """Add ``lines`` to the worksheet ``handlungsoptionen`` (or put them instead of its
    columns)."""
    edit(root / LESSON, COLUMNS, lines if replace_columns else COLUMNS + lines)


def own_file(root: Path, name: str, data: bytes) -> None:
    path = root / COURSE / "vorlagen" / name
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(data)


def zip_of(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def a_docx() -> bytes:
    buffer = io.BytesIO()
    docx.Document().save(buffer)
    return buffer.getvalue()


def a_pdf(*, script: bool = False) -> bytes:
    pdf = pikepdf.new()
    pdf.add_blank_page()
    if script:
        pdf.Root.OpenAction = pikepdf.Dictionary(
            S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert(1)")
        )
    buffer = io.BytesIO()
    pdf.save(buffer)
    return buffer.getvalue()


def a_template_pdf() -> bytes:
    return build_pdf(
        sheet(
            locale="de",
            language="de",
            course_title="Kurs",
            lesson_title="Lektion",
            title="Vorlage",
            step_title="",
            step_items=[],
            table={},
        )
    )


Breakage = Callable[[Path], tuple[str, str]]
"""Breaks the copy at ``root``; returns (needle on the expected line of the lesson file,
message part)."""


def _unknown_key(root: Path) -> tuple[str, str]:
    declare(root, "    spalten: [Thema]\n")
    return "spalten:", "unknown key 'spalten' in a worksheet"


def _columns_not_a_list(root: Path) -> tuple[str, str]:
    declare(root, "    columns: Thema\n", replace_columns=True)
    return "columns: Thema", "'columns' must be a non-empty list of texts"


def _column_listed_twice(root: Path) -> tuple[str, str]:
    declare(root, "    columns: [Thema, Motivation, Thema]\n", replace_columns=True)
    return "columns: [Thema, Motivation, Thema]", "'columns' lists 'Thema' twice"


def _empty_row_name(root: Path) -> tuple[str, str]:
    declare(root, "    rows:\n      - Communitys\n      - ''\n")
    return "      - ''", "'rows' entry 2 must be non-empty text"


def _too_many_columns(root: Path) -> tuple[str, str]:
    many = ", ".join(f"Spalte {n}" for n in range(1, 10))
    declare(root, f"    columns: [{many}]\n", replace_columns=True)
    return "Spalte 9", "'columns' lists 9 entries: at most 8"


def _rows_with_only_one_column(root: Path) -> tuple[str, str]:
    declare(root, "    columns: [Thema]\n    rows: [Communitys]\n", replace_columns=True)
    return "columns: [Thema]", "list at least two columns"


def _blank_rows_not_a_number(root: Path) -> tuple[str, str]:
    declare(root, "    blank_rows: viele\n")
    return "blank_rows: viele", "'blank_rows' must be a whole number from 0 to 40"


def _no_rows_at_all(root: Path) -> tuple[str, str]:
    declare(root, "    blank_rows: 0\n")
    return "blank_rows: 0", "the table has no rows"


def _file_missing(root: Path) -> tuple[str, str]:
    declare(root, "    file: vorlagen/fehlt.docx\n")
    return "file: vorlagen/fehlt.docx", "'vorlagen/fehlt.docx' does not exist"


def _file_outside_the_course(root: Path) -> tuple[str, str]:
    declare(root, "    file: ../course.yaml\n")
    return "file: ../course.yaml", "relative to the course folder, without '..'"


def _file_through_a_link_outside(root: Path) -> tuple[str, str]:
    (root / "geheim.pdf").write_bytes(a_pdf())
    (root / COURSE / "vorlage.pdf").symlink_to(root / "geheim.pdf")
    declare(root, "    file: vorlage.pdf\n")
    return "file: vorlage.pdf", "leads outside the course folder"


def _type_not_offered(root: Path) -> tuple[str, str]:
    own_file(root, "vorlage.exe", b"MZ\x90\x00")
    declare(root, "    file: vorlagen/vorlage.exe\n")
    return "file: vorlagen/vorlage.exe", "must be one of .pdf, .docx, .xlsx, .odt, .ods"


def _not_what_its_name_says(root: Path) -> tuple[str, str]:
    own_file(root, "vorlage.docx", a_pdf())
    declare(root, "    file: vorlagen/vorlage.docx\n")
    return "file: vorlagen/vorlage.docx", "is not a .docx file: its content is no ZIP archive"


def _zip_without_a_document(root: Path) -> tuple[str, str]:
    own_file(root, "vorlage.docx", zip_of({"[Content_Types].xml": b"<Types/>"}))
    declare(root, "    file: vorlagen/vorlage.docx\n")
    return "file: vorlagen/vorlage.docx", "lacks '[Content_Types].xml' or 'word/document.xml'"


def _spreadsheet_with_macros(root: Path) -> tuple[str, str]:
    parts = {"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<w/>"}
    own_file(root, "vorlage.xlsx", zip_of(parts | {"xl/vbaProject.bin": b"\x00"}))
    declare(root, "    file: vorlagen/vorlage.xlsx\n")
    return "file: vorlagen/vorlage.xlsx", "it contains macros"


def _opendocument_of_another_kind(root: Path) -> tuple[str, str]:
    own_file(
        root, "vorlage.odt", zip_of({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet"})
    )
    declare(root, "    file: vorlagen/vorlage.odt\n")
    return (
        "file: vorlagen/vorlage.odt",
        "'mimetype' entry is not application/vnd.oasis.opendocument.text",
    )


def _pdf_with_a_script(root: Path) -> tuple[str, str]:
    own_file(root, "vorlage.pdf", a_pdf(script=True))
    declare(root, "    file: vorlagen/vorlage.pdf\n")
    return "file: vorlagen/vorlage.pdf", "the PDF check refuses it: active_content (javascript"


def _empty_file(root: Path) -> tuple[str, str]:
    own_file(root, "vorlage.pdf", b"")
    declare(root, "    file: vorlagen/vorlage.pdf\n")
    return "file: vorlagen/vorlage.pdf", "'vorlagen/vorlage.pdf' is empty"


def _file_too_large(root: Path) -> tuple[str, str]:
    own_file(root, "vorlage.pdf", b"%PDF-1.7\n")
    with (root / COURSE / "vorlagen" / "vorlage.pdf").open("r+b") as file:
        file.truncate(10 * 1024 * 1024 + 1)  # sparse: no 10 MiB written
    declare(root, "    file: vorlagen/vorlage.pdf\n")
    return "file: vorlagen/vorlage.pdf", "is larger than 10 MiB"


BREAKAGES: list[Breakage] = [
    _unknown_key,
    _columns_not_a_list,
    _column_listed_twice,
    _empty_row_name,
    _too_many_columns,
    _rows_with_only_one_column,
    _blank_rows_not_a_number,
    _no_rows_at_all,
    _file_missing,
    _file_outside_the_course,
    _file_through_a_link_outside,
    _type_not_offered,
    _not_what_its_name_says,
    _zip_without_a_document,
    _spreadsheet_with_macros,
    _opendocument_of_another_kind,
    _pdf_with_a_script,
    _empty_file,
    _file_too_large,
]


@pytest.mark.parametrize("breakage", BREAKAGES, ids=lambda b: b.__name__.strip("_"))
def test_check_reports_a_broken_worksheet_with_file_and_line(
    content_copy: Path, breakage: Breakage
):
    needle, message = breakage(content_copy)
    path = content_copy / LESSON
    expected = f"{path}:{line_of(path, needle)}: "

    problems = [str(p) for p in check(content_copy)]

    assert any(p.startswith(expected) and message in p for p in problems), problems


OFFERED = {
    "vorlage.pdf": a_template_pdf,
    "vorlage.docx": a_docx,
    "vorlage.xlsx": lambda: zip_of({"[Content_Types].xml": b"<T/>", "xl/workbook.xml": b"<w/>"}),
    "vorlage.odt": lambda: zip_of({"mimetype": b"application/vnd.oasis.opendocument.text"}),
    "vorlage.ods": lambda: zip_of({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet"}),
}


@pytest.mark.parametrize("name", OFFERED)
def test_an_own_file_of_each_offered_type_passes(content_copy: Path, name: str):
    own_file(content_copy, name, OFFERED[name]())
    declare(content_copy, f"    file: vorlagen/{name}\n")
    assert check(content_copy) == []
