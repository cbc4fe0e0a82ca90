"""The admins' report as CSV (Python's ``csv`` module): one row per group - every LMS
course, tutor and month of the report, then the total - with the same measures as the
page's tables (the promises kept, what happened after the feedback, the open promises
now), in a form spreadsheets and scripts read alike: English column keys, numbers with a
decimal point, rates in percent, the mean rating with two decimals, dates in ISO 8601.

A cell that a spreadsheet would take for a formula (a name beginning with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return) is written with a leading apostrophe.
"""

from __future__ import annotations

import csv
import io

from feedback.promises.dialogue import DIALOGUE_MEASURES
from feedback.promises.figures import OPEN_MEASURES, SETTLED_MEASURES, Figures, Measure
from feedback.promises.report import Report

COLUMNS = ("dimension", "id", "name")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _safe(text: str) -> str:
    return f"'{text}" if text.startswith(_FORMULA_START) else text


def _number(measure: Measure, figures: Figures) -> str:
    value = measure.value(figures)
    if value is None:
        return ""
    if measure.kind == "percent":
        return f"{value * 100:.1f}"
    if measure.kind == "days":
        return f"{value:g}"
    if measure.kind == "score":
        return f"{value:.2f}"
    return str(value)


def report_csv(report: Report) -> str:
    """The report as CSV text (UTF-8 when encoded; the caller adds no BOM)."""
    measures = SETTLED_MEASURES + DIALOGUE_MEASURES + OPEN_MEASURES
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    header = [*COLUMNS, *(m.key for m in SETTLED_MEASURES + DIALOGUE_MEASURES)]
    header += [f"{m.key}_now" for m in OPEN_MEASURES]
    writer.writerow(header)
    groups = (
        [("course", f) for f in report.by_course]
        + [("tutor", f) for f in report.by_tutor]
        + [("month", f) for f in report.by_month]
        + [("total", report.total)]
    )
    for dimension, figures in groups:
        writer.writerow(
            [dimension, figures.key, _safe(figures.label)] + [_number(m, figures) for m in measures]
        )
    return out.getvalue()
