"""A worksheet template as an editable Word document (``.docx``, python-docx): the same
content as the PDF (``course.worksheets.pdf``) as real headings, paragraphs and tables,
so it can be filled in any word processor and saved as PDF to hand in.

Landscape A4 when the table has more than three columns. The table's heading row repeats
on every page and is marked as a heading row (``w:tblHeader``), the rows' names are in
the first column; the owner's texts carry the course's language (``w:lang``), Kurswerk's
labels the reader's, so spell checkers and screen readers read each in its language.
"""

from __future__ import annotations

import io

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.table import Table as DocxTable
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from course.worksheets.layout import Sheet

MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
MUTED = RGBColor(0x4A, 0x53, 0x61)
ROW_HEIGHT = Cm(1.6)


def _lang(run: Run, language: str) -> Run:
    properties = run._r.get_or_add_rPr()
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), language)
    properties.append(lang)
    return run


def _repeat_as_heading(row: object) -> None:
    properties = row._tr.get_or_add_trPr()  # type: ignore[attr-defined]
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def _shade(cell: object, fill: str) -> None:
    properties = cell._tc.get_or_add_tcPr()  # type: ignore[attr-defined]
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    properties.append(shading)


class _Writer:
    def __init__(self, sheet: Sheet) -> None:
        self.sheet = sheet
        self.doc = Document()

    def text(self, paragraph: Paragraph, text: str, *, content: bool, bold: bool = False) -> Run:
        """A run of ``text``: the owner's (``content``) or Kurswerk's."""
        run = paragraph.add_run(text)
        run.bold = bold
        return _lang(run, self.sheet.language if content else self.sheet.locale)

    def page(self) -> None:
        section = self.doc.sections[0]
        section.page_width, section.page_height = Cm(21.0), Cm(29.7)
        if len(self.sheet.table.columns) > 3:
            section.orientation = WD_ORIENT.LANDSCAPE
            section.page_width, section.page_height = section.page_height, section.page_width
        for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
            setattr(section, side, Cm(1.6))
        normal = self.doc.styles["Normal"]
        normal.font.name = "Arial"
        normal.font.size = Pt(10)
        properties = self.doc.core_properties
        properties.title = self.sheet.title
        properties.subject = self.sheet.context_line
        properties.language = self.sheet.locale
        properties.author = self.sheet.course_title

    def header(self) -> None:
        line = self.doc.add_paragraph()
        self.text(line, f"{self.sheet.heading} · ", content=False).font.color.rgb = MUTED
        self.text(line, self.sheet.context_line, content=True).font.color.rgb = MUTED
        title = self.doc.add_heading(level=1)
        self.text(title, self.sheet.title, content=True)

    def blanks(self) -> None:
        blanks = self.sheet.blanks
        table = self.doc.add_table(rows=len(blanks), cols=2)
        table.style = "Table Grid"
        for row, (label, content) in zip(table.rows, blanks, strict=True):
            row.cells[0].width, row.cells[1].width = Cm(4.5), Cm(12.0)
            self.text(row.cells[0].paragraphs[0], label, content=content, bold=True)

    def step(self) -> None:
        for item in self.sheet.step:
            paragraph = self.doc.add_paragraph()
            paragraph.paragraph_format.space_before = Pt(6)
            self.text(paragraph, f"{item.label}: ", content=False, bold=True)
            self.text(paragraph, item.text, content=True)

    def table(self) -> DocxTable:
        layout = self.sheet.table
        table = self.doc.add_table(rows=1 + len(layout.row_names), cols=len(layout.columns))
        table.style = "Table Grid"
        head = table.rows[0]
        _repeat_as_heading(head)
        for cell, heading in zip(head.cells, layout.columns, strict=True):
            _shade(cell, "E8EDF2")
            self.text(cell.paragraphs[0], heading, content=layout.columns_are_content, bold=True)
        for row, name in zip(table.rows[1:], layout.row_names, strict=True):
            row.height = ROW_HEIGHT
            if name:
                self.text(row.cells[0].paragraphs[0], name, content=True, bold=True)
        return table

    def footer(self) -> None:
        paragraph = self.doc.add_paragraph()
        paragraph.paragraph_format.space_before = Pt(12)
        run = self.text(paragraph, self.sheet.hand_in, content=False)
        run.font.size = Pt(8)
        run.font.color.rgb = MUTED


def build_docx(sheet: Sheet) -> bytes:
    """The sheet as a Word document."""
    writer = _Writer(sheet)
    writer.page()
    writer.header()
    writer.blanks()
    writer.step()
    writer.doc.add_paragraph()
    writer.table()
    writer.footer()
    buffer = io.BytesIO()
    writer.doc.save(buffer)
    return buffer.getvalue()
