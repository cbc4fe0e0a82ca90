"""The annotated PDF: the tutor's annotations written into a copy of the learner's PDF as
standard annotations that any PDF viewer shows and lets the reader open (issue 13: "not
a flattened image").

Each annotation becomes one annotation dictionary on its page's ``/Annots``:
``/Highlight`` (``/QuadPoints``, one quadrilateral per rectangle, in the order viewers
read: upper left, upper right, lower left, lower right), ``/Text`` (a note;
``NoZoom``/``NoRotate``, so its icon stays upright at its pin), ``/FreeText`` (``/DA``
with Helvetica and the colour) and ``/Ink`` (``/InkList``); each with ``/Contents`` (the
tutor's text), ``/T`` (the tutor's name), ``/M`` and ``/CreationDate``, ``/C`` (the
colour), ``/NM`` (``kurswerk-<id>``), ``/P``, ``/F`` (printable) and an appearance
stream (``feedback.workbench.appearance``). Coordinates are written as they came: they
are the page's user space already (``feedback.workbench.geometry``). A page's existing
annotations (links, a learner's own comments) stay; ours follow them.

``/InkList`` is thinned (every n-th point, each path keeping its ends) when a set has
more than :data:`INK_LIST_POINTS` points, so that the file stays well inside our PDF
check's limit of values; the appearance stream keeps every point.

Bounded in time and memory: the source is opened (qpdf reads its cross-reference table
and the objects it is asked for, not the streams), the annotations are added, and the
copy is written with every existing stream passed through as it is (no decoding, no
recompression, object streams preserved). The source file is only read.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import pikepdf
from pikepdf import Array, Dictionary, Name, String
from pikepdf.models.metadata import encode_pdf_date

from feedback.workbench import appearance
from feedback.workbench.appearance import Form
from feedback.workbench.document import FreeText, Highlight, Ink, Note
from feedback.workbench.geometry import page_box

INK_LIST_POINTS = 10_000
PRINT, NO_ZOOM, NO_ROTATE = 4, 8, 16


class PdfWriteFailed(Exception):
    """The annotations could not be written (a page qpdf cannot read, a broken tree)."""


def write_annotated(
    source: Path,
    target: Path,
    annotations: Sequence[Any],
    *,
    author: str,
    when: datetime,
) -> int:
    """Write ``source`` with ``annotations`` added to ``target``; return how many."""
    stride = _ink_stride(annotations)
    try:
        with pikepdf.open(source) as pdf:
            resources = _Resources(pdf)
            by_page: dict[int, list[Any]] = {}
            for item in annotations:
                by_page.setdefault(item.page, []).append(item)
            for number, items in sorted(by_page.items()):
                page = pdf.pages[number - 1]
                rotate = page_box(page).rotate
                added = [
                    pdf.make_indirect(
                        _annotation(pdf, page, item, author, when, rotate, stride, resources)
                    )
                    for item in items
                ]
                existing = page.obj.get("/Annots")
                old = list(existing) if isinstance(existing, Array) else []
                page.obj.Annots = Array([*old, *added])  # a fresh array: never shared
            pdf.save(
                target,
                object_stream_mode=pikepdf.ObjectStreamMode.preserve,
                stream_decode_level=pikepdf.StreamDecodeLevel.none,
                compress_streams=False,
                recompress_flate=False,
                normalize_content=False,
                linearize=False,
                fix_metadata_version=False,
            )
    except (pikepdf.PdfError, pikepdf.QpdfRuntimeError, IndexError) as exc:
        raise PdfWriteFailed(str(exc)[:200]) from exc
    return len(annotations)


class _Resources:
    """The shared resources of the appearance streams (one font, one blend state)."""

    def __init__(self, pdf: pikepdf.Pdf) -> None:
        self.font = pdf.make_indirect(
            Dictionary(
                Type=Name.Font,
                Subtype=Name.Type1,
                BaseFont=Name.Helvetica,
                Encoding=Name.WinAnsiEncoding,
            )
        )
        self.multiply = pdf.make_indirect(
            Dictionary(Type=Name.ExtGState, BM=Name.Multiply, CA=1, ca=1)
        )

    def of(self, form: Form) -> Dictionary:
        found = Dictionary()
        if form.font:
            found.Font = Dictionary(Helv=self.font)
        if form.multiply:
            found.ExtGState = Dictionary(GS0=self.multiply)
        return found


def _stream(pdf: pikepdf.Pdf, form: Form, resources: _Resources) -> pikepdf.Stream:
    stream = pikepdf.Stream(pdf, form.content)
    stream.Type = Name.XObject
    stream.Subtype = Name.Form
    stream.BBox = Array(list(form.bbox))
    stream.Matrix = Array(list(form.matrix))
    stream.Resources = resources.of(form)
    if form.multiply:
        stream.Group = Dictionary(S=Name.Transparency)
    return stream


def _annotation(
    pdf: pikepdf.Pdf,
    page: pikepdf.Page,
    item: Any,
    author: str,
    when: datetime,
    rotate: int,
    stride: int,
    resources: _Resources,
) -> Dictionary:
    date = String(encode_pdf_date(when))
    common = Dictionary(
        Type=Name.Annot,
        NM=String(f"kurswerk-{item.id}"),
        T=String(author),
        M=date,
        CreationDate=date,
        C=Array(list(appearance.rgb(item.color))),
        Contents=String(getattr(item, "text", "")),
        P=page.obj,
        F=PRINT,
    )
    if isinstance(item, Highlight):
        form = appearance.highlight(item.rects, item.color)
        common.Subtype = Name.Highlight
        common.QuadPoints = Array(
            [n for x0, y0, x1, y1 in item.rects for n in (x0, y1, x1, y1, x0, y0, x1, y0)]
        )
        rect = form.bbox
    elif isinstance(item, Note):
        form = appearance.note(item.at, item.color)
        common.Subtype = Name.Text
        common.Name = Name.Comment
        common.Open = False
        common.F = PRINT | NO_ZOOM | NO_ROTATE
        rect = form.bbox
    elif isinstance(item, FreeText):
        form = appearance.freetext(item.rect, item.text, item.size, item.color, rotate)
        common.Subtype = Name.FreeText
        common.DA = String(appearance.default_appearance(item.size, item.color))
        common.Q = 0
        common.BS = Dictionary(W=0)
        rect = item.rect
    elif isinstance(item, Ink):
        form = appearance.ink(item.paths, item.color, item.width)
        common.Subtype = Name.Ink
        common.InkList = Array(
            [Array([n for point in _thinned(path, stride) for n in point]) for path in item.paths]
        )
        common.BS = Dictionary(W=item.width, S=Name.S)
        rect = form.bbox
    else:  # pragma: no cover - the document's union has four kinds
        raise PdfWriteFailed(f"unknown annotation {type(item).__name__}")
    common.Rect = Array([round(n, 3) for n in rect])
    common.AP = Dictionary(N=pdf.make_indirect(_stream(pdf, form, resources)))
    return common


def _ink_stride(annotations: Sequence[Any]) -> int:
    points = sum(len(path) for item in annotations if isinstance(item, Ink) for path in item.paths)
    return max(1, math.ceil(points / INK_LIST_POINTS))


def _thinned(path: Sequence[tuple[float, float]], stride: int) -> list[tuple[float, float]]:
    if stride == 1 or len(path) <= 2:
        return list(path)
    kept = list(path[::stride])
    if kept[-1] != path[-1]:
        kept.append(path[-1])
    return kept
