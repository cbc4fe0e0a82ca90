"""The pages of a version's PDF as annotations see them: each page's visible box and
rotation.

**Coordinates.** Annotations come in PDF user space of the unrotated page (what pdf.js's
``convertToPdfPoint`` returns), which is also the space of an annotation's ``/Rect``:
they are written into the PDF as they are, with no offset added. A page whose
``/CropBox`` does not start at 0,0 (a scanned or cut page: pdf.js shows the crop box,
which is offset in user space) therefore needs nothing special; its visible box is the
crop box (within the media box), and a point must lie in it, with
:data:`TOLERANCE` points to spare (a mark at the very edge, rounding in the client).

**Rotation.** ``/Rotate`` (inherited from the page tree too) is kept per page, a multiple
of 90 (anything else is read as 0, as viewers do). The coordinates need no change for it
either; the writer uses it to set text upright (``feedback.workbench.writer``).

The geometry of a stored PDF never changes (its key is its hash), so it is remembered
per key: a save checks its points without opening a 20 MB PDF each time.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import pikepdf

from feedback.workbench.document import FreeText, Highlight, Ink, Note, Problem

TOLERANCE = 5.0


@dataclass(frozen=True)
class PageBox:
    x0: float
    y0: float
    x1: float
    y1: float
    rotate: int  # 0, 90, 180 or 270 (clockwise, as /Rotate)

    def holds(self, x: float, y: float) -> bool:
        return (
            self.x0 - TOLERANCE <= x <= self.x1 + TOLERANCE
            and self.y0 - TOLERANCE <= y <= self.y1 + TOLERANCE
        )


def _box(value: Any) -> tuple[float, float, float, float] | None:
    try:
        x0, y0, x1, y1 = (float(number) for number in value)
    except (TypeError, ValueError):
        return None
    return (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))


def page_box(page: pikepdf.Page) -> PageBox:
    """The visible box (crop box within the media box) and rotation of ``page`` (whose
    inheritable attributes the opened PDF has pushed down to it)."""
    media = _box(page.obj.get("/MediaBox")) or (0.0, 0.0, 612.0, 792.0)
    crop = _box(page.obj.get("/CropBox")) or media
    x0, y0 = max(crop[0], media[0]), max(crop[1], media[1])
    x1, y1 = min(crop[2], media[2]), min(crop[3], media[3])
    if x0 >= x1 or y0 >= y1:  # a crop box outside the media box: viewers show the media box
        x0, y0, x1, y1 = media
    try:
        rotate = int(page.obj.get("/Rotate", 0))
    except (TypeError, ValueError):
        rotate = 0
    rotate = rotate % 360 if rotate % 90 == 0 else 0
    return PageBox(x0, y0, x1, y1, rotate)


@lru_cache(maxsize=64)
def _boxes_of(path: str) -> tuple[PageBox, ...]:
    with pikepdf.open(path) as pdf:
        return tuple(page_box(page) for page in pdf.pages)


def page_boxes(path: Path) -> tuple[PageBox, ...]:
    """The pages of the stored PDF at ``path`` (a storage object: its name is its hash),
    remembered."""
    return _boxes_of(str(path))


def off_page(annotations: list[Any], pages: tuple[PageBox, ...]) -> Iterator[Problem]:
    """What does not fit the PDF: a page it does not have, a point outside the page."""
    for index, item in enumerate(annotations):
        where = f"annotations.{index}"
        if item.page > len(pages):
            yield Problem(
                where=f"{where}.page", what=f"page {item.page} of a PDF with {len(pages)} pages"
            )
            continue
        box = pages[item.page - 1]
        if not all(box.holds(x, y) for x, y in _points(item)):
            yield Problem(
                where=where,
                what=(
                    f"a point outside page {item.page} "
                    f"({box.x0:g} {box.y0:g} {box.x1:g} {box.y1:g})"
                ),
            )


def _points(item: Any) -> Iterator[tuple[float, float]]:
    if isinstance(item, Highlight):
        for x0, y0, x1, y1 in item.rects:
            yield from ((x0, y0), (x1, y1))
    elif isinstance(item, FreeText):
        x0, y0, x1, y1 = item.rect
        yield from ((x0, y0), (x1, y1))
    elif isinstance(item, Note):
        yield item.at
    elif isinstance(item, Ink):
        for path in item.paths:
            yield from path
