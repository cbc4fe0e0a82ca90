"""The annotation set as JSON: the shape the workbench's client sends and gets back
(``/work/notes/annotations-format.md``, the contract of server and client), checked
strictly before anything is stored.

A save's body is ``{"revision": <base>, "annotations": [...]}`` (``version``, the
submission version the client edited, may come along: a save for another version than
the latest is refused). Each annotation is one of four kinds, told apart by ``type``:

* ``highlight`` - ``rects`` (1..200 ``[x0, y0, x1, y1]``, one per text line), ``color``,
  optional ``text`` (the comment) and ``quote`` (the selected text);
* ``note`` - ``at`` (``[x, y]``, the pin: the icon's upper-left corner), ``text``, ``color``;
* ``freetext`` - ``rect``, ``text``, ``size`` (the font size in points), ``color``;
* ``ink`` - ``paths`` (1..50 paths of 1..2,000 ``[x, y]`` points), ``color``, ``width``.

Coordinates are PDF user space of the page (points, origin bottom-left, the page
unrotated), as pdf.js's ``convertToPdfPoint`` gives them. Refused (422, the message says
where): unknown keys or types, a number that is not finite, a rectangle without area, a
colour that is not ``#rrggbb``, an ``id`` outside ``[A-Za-z0-9_-]{1,40}`` or used twice,
texts over their limits (counted after control characters are stripped), more than
:data:`MAX_ANNOTATIONS` annotations or more coordinates than the PDF can carry
(:data:`MAX_RECTS_IN_SET`, :data:`MAX_INK_POINTS_IN_SET`). Whether the pages exist and
the points lie on them is checked against the version's PDF
(``feedback.workbench.geometry``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    TypeAdapter,
    ValidationError,
)

MAX_BODY_BYTES = 1024 * 1024
MAX_ANNOTATIONS = 1_000
MAX_RECTS = 200
MAX_PATHS = 50
MAX_POINTS = 2_000
MAX_TEXT = 5_000
MAX_QUOTE = 2_000
MAX_RECTS_IN_SET = 10_000
"""Highlight rectangles in one set. Each becomes eight numbers of ``/QuadPoints`` in the
annotated PDF, and our PDF check refuses a file of more than 250,000 values: with this
bound a set stays far below it whatever the learner's PDF holds already."""
MAX_INK_POINTS_IN_SET = 50_000
"""Points of all freehand paths of one set (the PDF's ``/InkList`` is thinned further,
see ``feedback.workbench.writer``)."""
MAX_PAGE = 100_000

# C0 control characters but tab and line feed, DEL, and C1 controls.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _clean(text: str) -> str:
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def _text_of_at_most(limit: int) -> Any:
    def check(text: str) -> str:
        text = _clean(text)
        if len(text) > limit:
            raise ValueError(f"text of {len(text)} characters, at most {limit}")
        return text

    return AfterValidator(check)


def _area(rect: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    x0, y0, x1, y1 = rect
    x0, x1 = sorted((x0, x1))
    y0, y1 = sorted((y0, y1))
    if x0 == x1 or y0 == y1:
        raise ValueError("a rectangle needs a width and a height")
    return (x0, y0, x1, y1)


Number = Annotated[float, Field(allow_inf_nan=False, ge=-1e6, le=1e6)]
Point = tuple[Number, Number]
Rect = Annotated[tuple[Number, Number, Number, Number], AfterValidator(_area)]
Color = Annotated[str, StringConstraints(pattern=r"^#[0-9A-Fa-f]{6}$", to_lower=True, strict=True)]
Id = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,40}$", strict=True)]
Page = Annotated[int, Field(ge=1, le=MAX_PAGE)]
Text = Annotated[str, _text_of_at_most(MAX_TEXT)]
Quote = Annotated[str, _text_of_at_most(MAX_QUOTE)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Highlight(_Strict):
    id: Id
    type: Literal["highlight"]
    page: Page
    rects: Annotated[list[Rect], Field(min_length=1, max_length=MAX_RECTS)]
    color: Color
    text: Text = ""
    quote: Quote = ""


class Note(_Strict):
    id: Id
    type: Literal["note"]
    page: Page
    at: Point
    text: Text
    color: Color


class FreeText(_Strict):
    id: Id
    type: Literal["freetext"]
    page: Page
    rect: Rect
    text: Text
    size: Annotated[float, Field(allow_inf_nan=False, ge=4, le=96)]
    color: Color


class Ink(_Strict):
    id: Id
    type: Literal["ink"]
    page: Page
    paths: Annotated[
        list[Annotated[list[Point], Field(min_length=1, max_length=MAX_POINTS)]],
        Field(min_length=1, max_length=MAX_PATHS),
    ]
    color: Color
    width: Annotated[float, Field(allow_inf_nan=False, ge=0.25, le=24)]


Annotation = Annotated[Highlight | Note | FreeText | Ink, Field(discriminator="type")]


class SaveRequest(_Strict):
    """A save: the revision the client based its edit on, and the whole new set."""

    revision: Annotated[int, Field(ge=0, le=2_147_483_647)]
    annotations: Annotated[list[Annotation], Field(max_length=MAX_ANNOTATIONS)]
    version: Annotated[int, Field(ge=1, le=2_147_483_647)] | None = None


class Problem(BaseModel):
    """One reason a set was refused: where (``annotations.3.rects.0``) and what."""

    where: str
    what: str


class InvalidDocument(Exception):
    """The body is not a valid set; ``problems`` says where and why (at most 20)."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(f"{p.where}: {p.what}" for p in problems))
        self.problems = problems


_STORED = TypeAdapter(list[Annotation])


def parse_save(body: bytes) -> SaveRequest:
    """The save request in ``body`` (JSON), or :class:`InvalidDocument`."""
    try:
        request = SaveRequest.model_validate_json(body)
    except ValidationError as exc:
        raise InvalidDocument(_problems(exc)) from None
    problems = list(_set_problems(request.annotations))
    if problems:
        raise InvalidDocument(problems)
    return request


def _problems(exc: ValidationError) -> list[Problem]:
    found = []
    for error in exc.errors(include_url=False, include_input=False)[:20]:
        where = ".".join(str(part) for part in error["loc"]) or "body"
        found.append(Problem(where=where, what=error["msg"]))
    return found


def _set_problems(annotations: list[Any]) -> Iterator[Problem]:
    seen: set[str] = set()
    rects = points = 0
    for index, item in enumerate(annotations):
        if item.id in seen:
            yield Problem(where=f"annotations.{index}.id", what=f"id {item.id!r} used twice")
        seen.add(item.id)
        if isinstance(item, Highlight):
            rects += len(item.rects)
        elif isinstance(item, Ink):
            points += sum(len(path) for path in item.paths)
    if rects > MAX_RECTS_IN_SET:
        yield Problem(
            where="annotations", what=f"{rects} highlight rectangles, at most {MAX_RECTS_IN_SET}"
        )
    if points > MAX_INK_POINTS_IN_SET:
        yield Problem(
            where="annotations", what=f"{points} ink points, at most {MAX_INK_POINTS_IN_SET}"
        )


def dump(annotations: list[Any]) -> str:
    """The set as stored: compact JSON of the checked, normalised annotations."""
    return json.dumps(
        [item.model_dump(mode="json") for item in annotations],
        ensure_ascii=False,
        separators=(",", ":"),
    )


def load(stored: str) -> list[Any]:
    """A stored set as annotation objects (it was checked when it was saved)."""
    return list(_STORED.validate_json(stored, strict=False))


def stored_json(stored: str) -> list[Any]:
    """A stored set as plain JSON values, for the client."""
    value = json.loads(stored)
    assert isinstance(value, list)
    return value
