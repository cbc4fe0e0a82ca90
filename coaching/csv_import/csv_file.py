"""The CSV file of a bulk grant, read into rows: nothing here looks at the database
(``coaching.csv_import.rows`` checks the rows and writes them).

The file: UTF-8 (a BOM, as Excel writes it, is fine), separated by ``;`` or ``,`` (found
by ``csv.Sniffer``, falling back to the header line), a header row naming the columns:

* ``email`` (or ``e-mail``) - for someone who has not launched yet, or
* ``sub`` (or ``user``) - the LMS user id of someone who has launched in the course;
  exactly one of the two per row;
* ``package`` (or ``paket``) - the package's name, regardless of case;
* ``valid_until`` / ``valid_from`` (or ``gueltig_bis`` / ``gueltig_ab``), optional:
  ``2026-12-31`` or ``31.12.2026``.

At most ``MAX_CSV_BYTES`` and ``MAX_CSV_ROWS``; a cell longer than ``MAX_CELL`` is a
problem of its row.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import dataclass, field
from datetime import date

from coaching.common import Problem, clean_text, refuse
from coaching.grants.grantees import Grantee
from coaching.models import CoachingGrant, CoachingPackage
from kurswerk.core.i18n import N_

MAX_CSV_BYTES = 256 * 1024
MAX_CSV_ROWS = 1000
MAX_CELL = 400

# Accepted header names (lower-cased, trimmed, "-"/" " read as "_") -> our column.
COLUMNS: dict[str, str] = {
    "email": "email",
    "e_mail": "email",
    "mail": "email",
    "sub": "sub",
    "user": "sub",
    "package": "package",
    "paket": "package",
    "valid_until": "valid_until",
    "gueltig_bis": "valid_until",
    "gültig_bis": "valid_until",
    "until": "valid_until",
    "valid_from": "valid_from",
    "gueltig_ab": "valid_from",
    "gültig_ab": "valid_from",
    "from": "valid_from",
}

NOT_UTF8 = N_(
    "Die Datei ist nicht in UTF-8 gespeichert. Speichern Sie sie in Excel als „CSV UTF-8 "
    "(durch Trennzeichen getrennt)“ und laden Sie sie erneut hoch."
)


class RowAction:
    GRANT = "grant"
    EXTEND = "extend"
    UNCHANGED = "unchanged"


@dataclass
class ImportRow:
    """One data row as read, what it would do, and what is wrong with it."""

    line: int
    email: str = ""
    sub: str = ""
    package_name: str = ""
    valid_from_text: str = ""
    valid_until_text: str = ""
    problems: list[Problem] = field(default_factory=list)
    action: str | None = None
    person: str = ""
    # resolved while planning
    package: CoachingPackage | None = None
    grantee: Grantee | None = None
    valid_from: date | None = None
    valid_until: date | None = None
    existing: CoachingGrant | None = None


@dataclass
class ImportPlan:
    rows: list[ImportRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)  # about the file as a whole

    @property
    def rows_with_problems(self) -> list[ImportRow]:
        return [row for row in self.rows if row.problems]

    @property
    def ok(self) -> bool:
        return not self.problems and bool(self.rows) and not self.rows_with_problems

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if not row.problems and row.action == action)

    @property
    def changes(self) -> int:
        return self.count(RowAction.GRANT) + self.count(RowAction.EXTEND)


# --- Reading the file ----------------------------------------------------------------


def decode_csv(data: bytes) -> str:
    """The file's text, or a refusal: too large, not UTF-8, binary."""
    if len(data) > MAX_CSV_BYTES:
        raise refuse(
            "file",
            N_(
                "Die Datei ist größer als %(max_kb)s KB. Bitte teilen Sie sie in mehrere "
                "Dateien auf."
            ),
            status=413,
            max_kb=MAX_CSV_BYTES // 1024,
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise refuse(
            "file",
            NOT_UTF8,
        ) from None
    if "\x00" in text:
        raise refuse(
            "file",
            NOT_UTF8,
        )
    return text


def _dialect(text: str) -> type[csv.Dialect] | csv.Dialect:
    sample = text[:8192]
    try:
        return csv.Sniffer().sniff(sample, delimiters=";,\t")
    except csv.Error:
        header = sample.splitlines()[0] if sample.splitlines() else ""
        counts = {d: header.count(d) for d in ";,\t"}
        delimiter = max(counts, key=lambda d: counts[d])

        class Fallback(csv.excel):
            pass

        Fallback.delimiter = delimiter
        return Fallback


def _column_key(name: str) -> str:
    name = unicodedata.normalize("NFC", name).strip().strip('"').lower()
    return name.replace("-", "_").replace(" ", "_")


def read_rows(text: str) -> ImportPlan:
    """Parse the file into rows (not validated against the database yet)."""
    plan = ImportPlan()
    if not text.strip():
        plan.problems.append(Problem("file", N_("Die Datei enthält keine Zeilen mit Vergaben.")))
        return plan
    reader = csv.reader(io.StringIO(text, newline=""), _dialect(text))
    try:
        header = next(reader)
    except csv.Error:
        plan.problems.append(Problem("file", N_("Die Datei lässt sich nicht als CSV lesen.")))
        return plan
    columns = [COLUMNS.get(_column_key(name)) for name in header]
    unknown = [clean_text(n)[:40] for n, c in zip(header, columns, strict=True) if c is None]
    repeated = {c for c in columns if c is not None and columns.count(c) > 1}
    if unknown:
        plan.problems.append(
            Problem(
                "file",
                N_(
                    "Unbekannte Spalten: %(columns)s. Erlaubt sind email, sub, package, "
                    "valid_from und valid_until."
                ),
                {"columns": ", ".join(unknown)},
            )
        )
    if repeated:
        plan.problems.append(
            Problem(
                "file",
                N_("Spalten kommen doppelt vor: %(columns)s."),
                {"columns": ", ".join(repeated)},
            )
        )
    if "package" not in columns or not ({"email", "sub"} & set(columns)):
        plan.problems.append(
            Problem("file", N_("Es fehlen Spalten: nötig sind „package“ und „email“ oder „sub“."))
        )
    if plan.problems:
        return plan
    try:
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue  # blank line
            if len(plan.rows) >= MAX_CSV_ROWS:
                plan.problems.append(
                    Problem(
                        "file",
                        N_("Die Datei hat mehr als %(max_rows)s Zeilen. Bitte teilen Sie sie auf."),
                        {"max_rows": MAX_CSV_ROWS},
                    )
                )
                break
            plan.rows.append(_row(reader.line_num, columns, cells))
    except csv.Error:
        plan.problems.append(
            Problem(
                "file",
                N_(
                    "Die Datei lässt sich ab Zeile %(line)s nicht als CSV lesen (zum "
                    "Beispiel ein Anführungszeichen ohne Gegenstück)."
                ),
                {"line": reader.line_num},
            )
        )
    if not plan.rows and not plan.problems:
        plan.problems.append(Problem("file", N_("Die Datei enthält keine Zeilen mit Vergaben.")))
    return plan


def _row(line: int, columns: list[str | None], cells: list[str]) -> ImportRow:
    row = ImportRow(line=line)
    if len(cells) > len(columns) and any(c.strip() for c in cells[len(columns) :]):
        row.problems.append(Problem("", N_("Die Zeile hat mehr Werte als die Kopfzeile Spalten.")))
    values: dict[str, str] = {}
    for column, cell in zip(columns, cells, strict=False):
        assert column is not None
        value = clean_text(cell)
        if len(value) > MAX_CELL:
            row.problems.append(Problem(column, N_("Ein Wert ist zu lang.")))
            value = value[:MAX_CELL] + "…"
        values[column] = value
    row.email = values.get("email", "")
    row.sub = values.get("sub", "")
    row.package_name = values.get("package", "")
    row.valid_from_text = values.get("valid_from", "")
    row.valid_until_text = values.get("valid_until", "")
    return row
