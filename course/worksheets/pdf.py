"""A worksheet template as a printable PDF with form fields (AcroForm): filled in any PDF
viewer, saved, and handed in as it is - it passes the PDF check of the submission intake
(``kurswerk.core.files.pdf.check``: no scripts, no actions, no embedded files; reportlab
writes none).

A4 landscape: the heading (course, lesson, step), the worksheet's title, one-line fields
(name, date, the owner's own), the step's task, approach and result, then the table:
one multi-line text field per cell to fill, the rows' names (if declared) as printed text
in the first column. A table taller than the page goes on over further pages, its
heading row repeated. Each field carries a tooltip (``/TU``) naming its row and column,
which screen readers announce. The standard fonts cover the Latin-1/Windows-1252 letters
German and English need; a character outside them prints as a question mark.
"""

from __future__ import annotations

import io
from collections.abc import Callable

from reportlab.lib.colors import Color, HexColor
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen.canvas import Canvas

from course.worksheets.layout import Sheet

MEDIA_TYPE = "application/pdf"

PAGE = landscape(A4)
MARGIN = 36.0
REGULAR, BOLD = "Helvetica", "Helvetica-Bold"
INK = HexColor("#1b1f24")
MUTED = HexColor("#4a5361")
LINE = HexColor("#8a96a3")
HEAD_FILL = HexColor("#e8edf2")
FIELD_FILL = Color(0.97, 0.98, 1.0)
TEXT_SIZE = 9.0
MIN_ROW = 30.0
MAX_ROW = 72.0
FIELD_HEIGHT = 18.0
FOOTER = 28.0


def _printable(text: str) -> str:
    """``text`` as the standard fonts can print it (Windows-1252)."""
    return text.encode("cp1252", "replace").decode("cp1252")


class _Writer:
    """Draws a sheet top-down; ``y`` is the next free line's top."""

    def __init__(self, sheet: Sheet, canvas: Canvas) -> None:
        self.sheet = sheet
        self.c = canvas
        self.width = PAGE[0] - 2 * MARGIN
        self.y = PAGE[1] - MARGIN
        self.fields = 0

    def lines(self, text: str, font: str, size: float, width: float) -> list[str]:
        return list(simpleSplit(_printable(text), font, size, width)) or [""]

    def paragraph(
        self,
        text: str,
        font: str = REGULAR,
        size: float = TEXT_SIZE,
        *,
        color: Color = INK,
        indent: float = 0.0,
        after: float = 4.0,
    ) -> None:
        self.c.setFillColor(color)
        self.c.setFont(font, size)
        for line in self.lines(text, font, size, self.width - indent):
            self.y -= size * 1.25
            self.c.drawString(MARGIN + indent, self.y, line)
        self.y -= after

    def field(
        self,
        name: str,
        tooltip: str,
        x: float,
        top: float,
        width: float,
        height: float,
        *,
        multiline: bool,
    ) -> None:
        self.fields += 1
        self.c.acroForm.textfield(
            name=name,
            tooltip=_printable(tooltip),
            x=x + 1,
            y=top - height + 1,
            width=width - 2,
            height=height - 2,
            fontName=REGULAR,
            fontSize=TEXT_SIZE,
            borderWidth=0,
            fillColor=FIELD_FILL,
            textColor=INK,
            fieldFlags="multiline" if multiline else "",
            maxlen=0,
        )

    def header(self) -> None:
        sheet = self.sheet
        self.paragraph(f"{sheet.heading} · {sheet.context_line}", size=8, color=MUTED, after=2)
        self.paragraph(sheet.title, BOLD, 15, after=8)

    def blanks(self) -> None:
        blanks = self.sheet.blanks
        gap = 12.0
        per_line = 3 if len(blanks) > 4 else len(blanks)
        width = (self.width - gap * (per_line - 1)) / per_line
        for start in range(0, len(blanks), per_line):
            top = self.y
            for index, (label, _content) in enumerate(blanks[start : start + per_line]):
                x = MARGIN + index * (width + gap)
                self.c.setFillColor(MUTED)
                self.c.setFont(BOLD, 8)
                self.c.drawString(x, top - 8, _printable(label))
                self.c.setStrokeColor(LINE)
                self.c.line(x, top - 10 - FIELD_HEIGHT, x + width, top - 10 - FIELD_HEIGHT)
                number = start + index + 1
                self.field(
                    f"feld_{number}", label, x, top - 10, width, FIELD_HEIGHT, multiline=False
                )
            self.y = top - 10 - FIELD_HEIGHT - 8

    def step(self) -> None:
        label_width = 92.0
        for item in self.sheet.step:
            self.c.setFillColor(INK)
            self.c.setFont(BOLD, TEXT_SIZE)
            top = self.y
            self.c.drawString(MARGIN, top - TEXT_SIZE * 1.25, _printable(item.label))
            self.paragraph(item.text, indent=label_width, after=3)
            self.y = min(self.y, top - TEXT_SIZE * 1.25 - 3)
        self.y -= 6

    def table(self, new_page: Callable[[], None]) -> None:
        table = self.sheet.table
        weights = [1.0] + [1.5] * (len(table.columns) - 1)
        widths = [self.width * w / sum(weights) for w in weights]
        lefts = [MARGIN + sum(widths[:i]) for i in range(len(widths))]
        names = table.row_names
        least = [max(MIN_ROW, self.name_height(name, widths[0])) for name in names]
        row = 0
        while row < len(names):
            if self.y - MARGIN - FOOTER < self.head_height(widths) + least[row]:
                new_page()
            self.head_row(widths, lefts)
            free = self.y - MARGIN - FOOTER
            even = max(MIN_ROW, min(MAX_ROW, free / (len(names) - row)))
            drawn = 0
            while row < len(names):
                height = max(even, least[row])
                if drawn and height > free + 1e-6:  # (free / n) * n may round below free
                    break
                self.body_row(row, widths, lefts, height)
                free -= height
                row += 1
                drawn += 1
            if row < len(names):
                new_page()

    def name_height(self, name: str, width: float) -> float:
        if not name:
            return 0.0
        return len(self.lines(name, BOLD, TEXT_SIZE, width - 8)) * TEXT_SIZE * 1.2 + 8

    def head_height(self, widths: list[float]) -> float:
        columns = self.sheet.table.columns
        most = max(
            len(self.lines(h, BOLD, TEXT_SIZE, w - 8)) for h, w in zip(columns, widths, strict=True)
        )
        return most * TEXT_SIZE * 1.2 + 8

    def head_row(self, widths: list[float], lefts: list[float]) -> None:
        height = self.head_height(widths)
        top = self.y
        for heading, left, width in zip(self.sheet.table.columns, lefts, widths, strict=True):
            self.c.setFillColor(HEAD_FILL)
            self.c.setStrokeColor(LINE)
            self.c.rect(left, top - height, width, height, stroke=1, fill=1)
            self.c.setFillColor(INK)
            self.c.setFont(BOLD, TEXT_SIZE)
            for number, line in enumerate(self.lines(heading, BOLD, TEXT_SIZE, width - 8)):
                self.c.drawString(left + 4, top - 2 - (number + 1) * TEXT_SIZE * 1.2, line)
        self.y = top - height

    def body_row(self, row: int, widths: list[float], lefts: list[float], height: float) -> None:
        name = self.sheet.table.row_names[row]
        top = self.y
        self.c.setStrokeColor(LINE)
        for column, (left, width) in enumerate(zip(lefts, widths, strict=True)):
            self.c.rect(left, top - height, width, height, stroke=1, fill=0)
            if column == 0 and name:
                self.c.setFillColor(INK)
                self.c.setFont(BOLD, TEXT_SIZE)
                for number, line in enumerate(self.lines(name, BOLD, TEXT_SIZE, width - 8)):
                    self.c.drawString(left + 4, top - 2 - (number + 1) * TEXT_SIZE * 1.2, line)
                continue
            tooltip = self.sheet.cell_name(row, column)
            name_ = f"zelle_{row + 1}_{column + 1}"
            self.field(name_, tooltip, left, top, width, height, multiline=True)
        self.y = top - height

    def footer(self) -> None:
        self.c.setFillColor(MUTED)
        self.c.setFont(REGULAR, 7.5)
        for number, line in enumerate(
            reversed(self.lines(self.sheet.hand_in, REGULAR, 7.5, self.width))
        ):
            self.c.drawString(MARGIN, MARGIN - 12 + number * 9.5, line)


def build_pdf(sheet: Sheet) -> bytes:
    """The sheet as a fillable PDF (the same bytes for the same sheet: ``invariant``)."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=PAGE, invariant=1, lang=sheet.locale, pageCompression=1)
    canvas.setTitle(_printable(sheet.title))
    canvas.setSubject(_printable(sheet.context_line))
    canvas.setCreator("Kurswerk")
    writer = _Writer(sheet, canvas)

    def new_page() -> None:
        writer.footer()
        canvas.showPage()
        writer.y = PAGE[1] - MARGIN
        writer.paragraph(sheet.title, BOLD, 10, color=MUTED, after=6)

    writer.header()
    writer.blanks()
    writer.step()
    writer.table(new_page)
    writer.footer()
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
