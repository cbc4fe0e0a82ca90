"""Charts drawn on the server as SVG (no script, no library from elsewhere): the geometry
of a column chart (categories left to right: months) and a bar chart (categories top to
bottom: LMS courses, tutors), one or two series each, for the template
``feedback/promises/_chart.html``.

Accessible by construction: the SVG is one image with a title and a description
(``role="img"``); every value is also written on its bar, and the same figures follow
as a table (the report's sections). Two series differ by more than colour: the second is
hatched. Colours are the site's accent and step colours, each at least 3:1 against
white (WCAG 2.1, 1.4.11).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

WIDTH = 720
COLUMN_HEIGHT = 240
ROW_HEIGHT = 26
LABEL_WIDTH = 200
MAX_LABEL_CHARS = 28


@dataclass(frozen=True)
class Series:
    name: str  # a message id, translated where shown
    values: tuple[float | None, ...]  # one per category; None: nothing to show
    texts: tuple[str, ...]  # each value as written ("87 %", "4,5", "–")


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    series: int  # 0: filled, 1: hatched
    text: str
    text_x: float
    text_y: float


@dataclass(frozen=True)
class Label:
    x: float
    y: float
    text: str
    anchor: str = "middle"


@dataclass(frozen=True)
class Chart:
    id: str
    title: str  # a message id
    description: str  # a message id (what is shown, how to read it)
    width: int
    height: int
    bars: tuple[Bar, ...]
    labels: tuple[Label, ...]  # category names
    ticks: tuple[Label, ...]  # the value axis
    grid: tuple[tuple[float, float, float, float], ...]  # lines x1, y1, x2, y2
    legend: tuple[str, ...]  # series names (message ids), when more than one

    @property
    def empty(self) -> bool:
        return not self.bars


def _short(text: str) -> str:
    return text if len(text) <= MAX_LABEL_CHARS else text[: MAX_LABEL_CHARS - 1] + "…"


def _scale_top(series: Sequence[Series], fixed: float | None) -> float:
    """The value at the chart's end: ``fixed``, else the largest value rounded up to a
    multiple of 4, so that the four steps of the value axis are whole numbers."""
    if fixed is not None:
        return fixed
    top = max((v for s in series for v in s.values if v is not None), default=0.0)
    return max(4.0, -(-top // 4) * 4)


def column_chart(
    chart_id: str,
    title: str,
    description: str,
    categories: Sequence[str],
    series: Sequence[Series],
    *,
    top: float | None = None,
    tick_texts: Sequence[str] | None = None,
) -> Chart:
    """Categories left to right, bars up from the axis; ``top`` is the value at the top
    (100 for percentages; else rounded up from the largest value). ``tick_texts``: the
    value axis's five texts (0 %, 25 %, ...), else the numbers."""
    left, right, up, down = 44.0, 8.0, 18.0, 40.0
    plot_w, plot_h = WIDTH - left - right, COLUMN_HEIGHT - up - down
    scale = _scale_top(series, top)
    band = plot_w / max(1, len(categories))
    bar_w = band * 0.7 / max(1, len(series))
    bars = []
    for i in range(len(categories)):
        for k, one in enumerate(series):
            value = one.values[i]
            if value is None:
                continue
            height = plot_h * min(value, scale) / scale
            x = left + i * band + band * 0.15 + k * bar_w
            y = up + plot_h - height
            bars.append(Bar(x, y, bar_w, height, k, one.texts[i], x + bar_w / 2, y - 4))
    labels = tuple(
        Label(left + (i + 0.5) * band, COLUMN_HEIGHT - down + 16, _short(name))
        for i, name in enumerate(categories)
    )
    ticks, grid = [], []
    for n in range(5):
        value = scale * n / 4
        y = up + plot_h - plot_h * n / 4
        text = tick_texts[n] if tick_texts else f"{value:g}"
        ticks.append(Label(left - 6, y + 4, text, "end"))
        grid.append((left, y, WIDTH - right, y))
    return Chart(
        chart_id, title, description, WIDTH, COLUMN_HEIGHT, tuple(bars), labels,
        tuple(ticks), tuple(grid), tuple(s.name for s in series) if len(series) > 1 else (),
    )  # fmt: skip


def bar_chart(
    chart_id: str,
    title: str,
    description: str,
    categories: Sequence[str],
    series: Sequence[Series],
    *,
    top: float | None = None,
) -> Chart:
    """Categories top to bottom, bars to the right of their names; the value is written
    after each bar."""
    right, up = 64.0, 8.0
    plot_w = WIDTH - LABEL_WIDTH - right
    row = ROW_HEIGHT * max(1, len(series))
    height = int(up * 2 + row * max(1, len(categories)))
    scale = _scale_top(series, top)
    bars = []
    for i in range(len(categories)):
        for k, one in enumerate(series):
            value = one.values[i]
            if value is None:
                continue
            width = plot_w * min(value, scale) / scale
            y = up + i * row + k * ROW_HEIGHT + 4
            h = ROW_HEIGHT - 8
            bars.append(
                Bar(LABEL_WIDTH, y, width, h, k, one.texts[i], LABEL_WIDTH + width + 6, y + h - 4)
            )
    labels = tuple(
        Label(LABEL_WIDTH - 8, up + i * row + row / 2 + 4, _short(name), "end")
        for i, name in enumerate(categories)
    )
    grid = ((float(LABEL_WIDTH), up, float(LABEL_WIDTH), height - up),)
    return Chart(
        chart_id, title, description, WIDTH, height, tuple(bars), labels, (), grid,
        tuple(s.name for s in series) if len(series) > 1 else (),
    )  # fmt: skip
