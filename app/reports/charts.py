"""Charts drawn here: the report's pies as SVG for HTML and PDF, PNG (Pillow, which WeasyPrint ships
with) for DOCX; and the statistics dashboard's bars and line over time, as SVG.

Slices start at twelve o'clock and run clockwise, largest first. A pie keeps every category while
there are at most ``MAX_SLICES``; beyond that the smallest are gathered into one "Other" slice, whole
ties at a time (two countries with one person each are never split between a slice and "Other"), and
the caption names what "Other" holds. Both pictures carry their legend with counts and percentages,
and the SVG has a title and a description, so the chart reads without seeing the colours.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

from markupsafe import Markup, escape

PALETTE = [
    "#4E79A7",
    "#F28E2B",
    "#E15759",
    "#76B7B2",
    "#59A14F",
    "#EDC948",
    "#B07AA1",
    "#FF9DA7",
    "#9C755F",
    "#BAB0AC",
    "#86BCB6",
    "#D37295",
]
MAX_SLICES = len(PALETTE)
RADIUS = 85
LEGEND_ROW = 20
SVG_WIDTH = 330
FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


@dataclass(frozen=True)
class Slice:
    label: str
    count: int
    percent: float
    colour: str
    members: tuple[str, ...] = field(default=())  # what an "Other" slice gathers


def slices(counts: list[tuple[str, int]], *, max_slices: int = MAX_SLICES) -> list[Slice]:
    """The slices for ``(label, count)`` pairs: largest first, the smallest folded into "Other" only
    when there are more than ``max_slices``."""
    ranked = sorted((pair for pair in counts if pair[1] > 0), key=lambda pair: (-pair[1], pair[0]))
    tail: list[tuple[str, int]] = []
    if len(ranked) > max_slices:
        threshold = ranked[max_slices - 1][1]  # the count of the first pair that cannot have its own slice
        head = [pair for pair in ranked if pair[1] > threshold]
        if len(head) < 2:  # nearly all alike: folding ties would leave one slice, so cut by rank instead
            head = ranked[: max_slices - 1]
        tail = ranked[len(head) :]
        ranked = head
    total = sum(count for _, count in ranked) + sum(count for _, count in tail)
    parts = [
        Slice(label=label, count=count, percent=round(100 * count / total, 1), colour=PALETTE[index])
        for index, (label, count) in enumerate(ranked)
    ]
    if tail:
        other = sum(count for _, count in tail)
        parts.append(
            Slice(
                label=f"Other ({len(tail)})",
                count=other,
                percent=round(100 * other / total, 1),
                colour=PALETTE[len(parts)],
                members=tuple(f"{label} ({count})" for label, count in tail),
            )
        )
    return parts


def describe(title: str, parts: list[Slice]) -> str:
    """The chart in words: its text alternative."""
    if not parts:
        return f"{title}: no participants yet."
    return f"{title}: " + "; ".join(f"{part.label} {part.count} ({part.percent:g}%)" for part in parts) + "."


def caption(what: str, noun: tuple[str, str], parts: list[Slice]) -> str:
    """What the chart shows, in a sentence (the legend already gives each figure), and what "Other" holds."""
    if not parts:
        return f"{what}: no participants yet."
    total = sum(part.count for part in parts)
    categories = sum(len(part.members) or 1 for part in parts)
    text = (
        f"{what}: {total} {'participant' if total == 1 else 'participants'}, "
        f"{categories} {noun[0] if categories == 1 else noun[1]}."
    )
    for part in parts:
        if part.members:
            text += f" Other: {', '.join(part.members)}."
    return text


def _point(fraction: float, cx: float, cy: float, radius: float) -> tuple[float, float]:
    angle = 2 * math.pi * fraction - math.pi / 2
    return cx + radius * math.cos(angle), cy + radius * math.sin(angle)


def _wedge(start: float, end: float, cx: float, cy: float, radius: float) -> str:
    (x0, y0), (x1, y1) = _point(start, cx, cy, radius), _point(end, cx, cy, radius)
    large = 1 if end - start > 0.5 else 0
    return f"M{cx},{cy} L{x0:.2f},{y0:.2f} A{radius},{radius} 0 {large} 1 {x1:.2f},{y1:.2f} Z"


def pie_svg(title: str, parts: list[Slice], *, chart_id: str) -> Markup:
    """An inline SVG element: the pie above, its legend with counts and percentages below."""
    cx, cy = SVG_WIDTH / 2, RADIUS + 2
    legend_top = 2 * RADIUS + 16
    height = legend_top + LEGEND_ROW * len(parts) + 4
    shapes, start = [], 0.0
    total = sum(part.count for part in parts)
    for part in parts:
        end = start + part.count / total
        label = escape(f"{part.label}: {part.count} ({part.percent:g}%)")
        if len(parts) == 1:
            shapes.append(
                f'<circle cx="{cx}" cy="{cy}" r="{RADIUS}" fill="{part.colour}"><title>{label}</title></circle>'
            )
        else:
            shapes.append(
                f'<path d="{_wedge(start, end, cx, cy, RADIUS)}" fill="{part.colour}" stroke="#fff" '
                f'stroke-width="1.5"><title>{label}</title></path>'
            )
        start = end
    legend = []
    for row, part in enumerate(parts):
        y = legend_top + row * LEGEND_ROW
        legend.append(
            f'<rect x="4" y="{y + 2}" width="13" height="13" fill="{part.colour}"/>'
            f'<text x="24" y="{y + 13}">{escape(part.label)}</text>'
            f'<text x="{SVG_WIDTH - 4}" y="{y + 13}" text-anchor="end">{part.count} ({part.percent:g}%)</text>'
        )
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {SVG_WIDTH} {height}" '
        f'width="{SVG_WIDTH}" height="{height}" aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'font-family="DejaVu Sans, Helvetica, Arial, sans-serif" font-size="12" fill="#222">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(describe(title, parts))}</desc>'
        f"<g>{''.join(shapes)}</g><g>{''.join(legend)}</g></svg>"
    )


@lru_cache
def _font(size: int):
    from PIL import ImageFont

    try:
        return ImageFont.truetype(str(FONT), size)
    except OSError:
        return ImageFont.load_default(size)


def pie_png(parts: list[Slice], *, scale: int = 3) -> bytes:
    """The pie with its legend drawn in below (as in the SVG), as a PNG for the DOCX: Word has no live
    SVG chart, and a legend in a separate table could be separated from its picture."""
    from PIL import Image, ImageDraw

    width, diameter, row, pad = SVG_WIDTH * scale, 2 * RADIUS * scale, LEGEND_ROW * scale, 4 * scale
    legend_top = diameter + 16 * scale
    height = legend_top + row * len(parts) + pad
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    total = sum(part.count for part in parts) or 1
    box = ((width - diameter) // 2, 2 * scale, (width + diameter) // 2, 2 * scale + diameter)
    start = -90.0
    for part in parts:
        end = start + 360 * part.count / total
        draw.pieslice(box, start, end, fill=part.colour, outline="white", width=scale if len(parts) > 1 else 0)
        start = end
    font = _font(12 * scale)
    for index, part in enumerate(parts):
        y = legend_top + index * row
        draw.rectangle((pad, y + 2 * scale, pad + 13 * scale, y + 15 * scale), fill=part.colour)
        draw.text((24 * scale, y + 2 * scale), part.label, fill="#222222", font=font)
        figure = f"{part.count} ({part.percent:g}%)"
        draw.text((width - pad - draw.textlength(figure, font=font), y + 2 * scale), figure, fill="#222222", font=font)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


# --- the statistics dashboard's charts: horizontal bars, and a line over time ------------------------

BAR_WIDTH = 560
BAR_LABEL = 200
BAR_ROW = 22


def _svg(title: str, description: str, width: int, height: int, chart_id: str, body: str) -> Markup:
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'font-family="DejaVu Sans, Helvetica, Arial, sans-serif" font-size="12" fill="#222">'
        f'<title id="{chart_id}-title">{escape(title)}</title><desc id="{chart_id}-desc">{escape(description)}</desc>'
        f"{body}</svg>"
    )


def bar_svg(title: str, bars: list[tuple[str, int]], *, chart_id: str) -> Markup:
    """One horizontal bar per ``(label, count)``, in the order given, the count at the bar's end."""
    most = max((count for _, count in bars), default=0) or 1
    room = BAR_WIDTH - BAR_LABEL - 50
    rows = []
    for index, (label, count) in enumerate(bars):
        y = 4 + index * BAR_ROW
        length = room * count / most
        shown = label if len(label) <= 30 else label[:29] + "…"
        rows.append(
            f'<text x="{BAR_LABEL - 6}" y="{y + 14}" text-anchor="end">{escape(shown)}</text>'
            f'<rect x="{BAR_LABEL}" y="{y + 3}" width="{length:.1f}" height="{BAR_ROW - 6}" fill="{PALETTE[0]}">'
            f"<title>{escape(label)}: {count}</title></rect>"
            f'<text x="{BAR_LABEL + length + 5:.1f}" y="{y + 14}">{count}</text>'
        )
    description = f"{title}: " + ("; ".join(f"{label} {count}" for label, count in bars) or "none yet") + "."
    return _svg(title, description, BAR_WIDTH, 8 + BAR_ROW * max(len(bars), 1), chart_id, "".join(rows))


def line_svg(title: str, points: list[tuple[date, int]], *, chart_id: str) -> Markup:
    """A running total over time: one point per ``(day, total)``, days placed by the calendar, from zero
    the day before the first, with the first and last day and the highest total written on the axes."""
    width, height, left, bottom, top, right = BAR_WIDTH, 220, 44, 30, 12, 16
    if points:
        points = [(points[0][0] - timedelta(days=1), 0), *points]
    description = f"{title}: " + ("; ".join(f"{day.isoformat()} {total}" for day, total in points) or "none yet") + "."
    if not points:
        return _svg(title, description, width, 40, chart_id, '<text x="4" y="24">No registrations yet.</text>')
    first, last = points[0][0], points[-1][0]
    span = max((last - first).days, 1)
    highest = max(total for _, total in points) or 1
    plot_w, plot_h = width - left - right, height - top - bottom

    def place(day: date, total: int) -> tuple[float, float]:
        return left + plot_w * (day - first).days / span, top + plot_h * (1 - total / highest)

    placed = [place(day, total) for day, total in points]
    path = " ".join(f"{'M' if i == 0 else 'L'}{x:.1f},{y:.1f}" for i, (x, y) in enumerate(placed))
    dots = "".join(
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{PALETTE[0]}"><title>{day.isoformat()}: {total}'
        f"</title></circle>"
        for (x, y), (day, total) in zip(placed, points, strict=True)
    )
    axes = (
        f'<path d="M{left},{top} V{top + plot_h} H{left + plot_w}" stroke="#888" fill="none"/>'
        f'<text x="{left - 6}" y="{top + 10}" text-anchor="end">{highest}</text>'
        f'<text x="{left - 6}" y="{top + plot_h}" text-anchor="end">0</text>'
        f'<text x="{left}" y="{height - 8}">{first.isoformat()}</text>'
        f'<text x="{left + plot_w}" y="{height - 8}" text-anchor="end">{last.isoformat()}</text>'
    )
    body = f'{axes}<path d="{path}" stroke="{PALETTE[0]}" stroke-width="2" fill="none"/>{dots}'
    return _svg(title, description, width, height, chart_id, body)
