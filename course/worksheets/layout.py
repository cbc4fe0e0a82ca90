"""What a worksheet template holds, built from the lesson: the step's task, approach and
result, a few lines to fill in (name, date, the owner's own fields) and the table.

The table is declared per worksheet in the lesson's front matter (``columns``, ``rows``,
``blank_rows``, ``fields``; read and checked by ``course.content.worksheets``); what is not
declared comes from the defaults here:

* no ``columns``: two, "Thema" and "Ergebnis" - the step's result (its "Ergebnis") written
  down topic by topic; being Kurswerk's words, not the owner's, they are translated;
* ``rows`` name the table's rows (the first column holds the names, so a table with
  ``rows`` has at least two columns); without ``rows`` the table has ``blank_rows`` empty
  rows (default :data:`DEFAULT_BLANK_ROWS`), with them none unless declared.

Kurswerk's own words on a template ("Aufgabe", "Ergebnis", "Name", "Datum", ...) are in
the reader's language (gettext); the owner's texts stay in the course's language.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kurswerk.core.i18n import N_, gettext

DEFAULT_COLUMNS = (N_("Thema"), N_("Ergebnis"))
DEFAULT_BLANK_ROWS = 8
MAX_COLUMNS = 8
MAX_ROWS = 40
MAX_FIELDS = 4
COLUMN_LIMIT = 80
ROW_LIMIT = 120
FIELD_LIMIT = 60

STEP_LABELS = {
    "task": N_("Aufgabe"),
    "participants": N_("Beteiligte"),
    "approach": N_("Vorgehensweise"),
    "result": N_("Ergebnis"),
}
"""The roles of a process step's items a template and its page show, with Kurswerk's label."""
TEMPLATE_STEP_ROLES = ("task", "approach", "result")
"""The items a template file repeats above its table (who takes part is no field to fill)."""


@dataclass(frozen=True)
class Table:
    """The table of a template: ``columns`` headings, one row per name in ``rows`` (shown
    in the first column), then ``blank_rows`` empty rows; ``fields`` are one-line blanks
    above it (after name and date)."""

    columns: tuple[str, ...]
    rows: tuple[str, ...]
    blank_rows: int
    fields: tuple[str, ...]
    columns_are_content: bool
    """True: the owner declared the columns (course language); False: the defaults."""

    @property
    def row_names(self) -> tuple[str, ...]:
        """One entry per table row: its name, or "" for an empty row."""
        return self.rows + ("",) * self.blank_rows

    @property
    def named_rows(self) -> bool:
        return bool(self.rows)


def stored_table(
    columns: list[str], rows: list[str], blank_rows: int | None, fields: list[str]
) -> dict[str, Any]:
    """The table as declared, for the worksheet's row (``Worksheet.table``)."""
    return {"columns": columns, "rows": rows, "blank_rows": blank_rows, "fields": fields}


def table_for(stored: dict[str, Any], locale: str) -> Table:
    """The table of a worksheet's stored declaration, the defaults filled in."""
    columns = tuple(stored.get("columns") or ())
    rows = tuple(stored.get("rows") or ())
    blank = stored.get("blank_rows")
    if blank is None:
        blank = 0 if rows else DEFAULT_BLANK_ROWS
    return Table(
        columns=columns or tuple(gettext(locale, c) for c in DEFAULT_COLUMNS),
        rows=rows,
        blank_rows=int(blank),
        fields=tuple(stored.get("fields") or ()),
        columns_are_content=bool(columns),
    )


@dataclass(frozen=True)
class StepText:
    """One item of the process step: Kurswerk's label (translated) and the owner's text."""

    role: str
    label: str
    text: str


def step_texts(items: list[dict[str, str]], locale: str, roles: tuple[str, ...]) -> list[StepText]:
    """The step's items of ``roles``, in that order (the first of each role), labelled in
    ``locale``."""
    by_role: dict[str, str] = {}
    for item in items:
        by_role.setdefault(item["role"], item["text"])
    return [
        StepText(role, gettext(locale, STEP_LABELS[role]), by_role[role])
        for role in roles
        if by_role.get(role)
    ]


@dataclass(frozen=True)
class Sheet:
    """Everything a template file shows, in one reader's language (``locale``); the
    owner's texts are in ``language``."""

    locale: str
    language: str
    course_title: str
    lesson_title: str
    title: str
    step_title: str
    step: tuple[StepText, ...]
    table: Table

    @property
    def heading(self) -> str:
        return gettext(self.locale, "Arbeitsvorlage")

    @property
    def context_line(self) -> str:
        """Course and lesson (and the step's section), on one line."""
        parts = [self.course_title, self.lesson_title]
        if self.step_title:
            parts.append(self.step_title)
        return " · ".join(parts)

    @property
    def blanks(self) -> tuple[tuple[str, bool], ...]:
        """(label, is content) of the one-line blanks: name, date, then the owner's."""
        own = tuple((field, True) for field in self.table.fields)
        name, date = gettext(self.locale, "Name"), gettext(self.locale, "Datum")
        return ((name, False), (date, False), *own)

    @property
    def hand_in(self) -> str:
        return gettext(
            self.locale,
            "Mit Coachingpaket: Speichern Sie die ausgefüllte Arbeitsvorlage als PDF und "
            "reichen Sie sie mit Ihrer Übung als eine PDF-Datei am Ende der Lektion ein.",
        )

    def cell_name(self, row: int, column: int) -> str:
        """What a screen reader or a form field's tooltip calls a table cell."""
        heading = self.table.columns[column]
        name = self.table.row_names[row]
        if name:
            return f"{name}: {heading}"
        return gettext(self.locale, "Zeile %(row)s: %(column)s", row=row + 1, column=heading)


def sheet(
    *,
    locale: str,
    language: str,
    course_title: str,
    lesson_title: str,
    title: str,
    step_title: str,
    step_items: list[dict[str, str]],
    table: dict[str, Any],
) -> Sheet:
    """The sheet of a worksheet's stored row (its lesson's and course's titles beside it)."""
    return Sheet(
        locale=locale,
        language=language,
        course_title=course_title,
        lesson_title=lesson_title,
        title=title,
        step_title=step_title,
        step=tuple(step_texts(step_items, locale, TEMPLATE_STEP_ROLES)),
        table=table_for(table, locale),
    )
