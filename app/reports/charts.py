"""Pie charts drawn by hand: SVG for HTML and PDF, PNG (Pillow, which WeasyPrint ships with) for DOCX.

Slices start at twelve o'clock and run clockwise, largest first; beyond ``MAX_SLICES`` the
smallest are gathered into one "Other" slice so sixty countries still make a readable picture.
The legend carries every count and percentage, and the SVG has a title and a description, so
the chart reads without seeing the colours.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass

from markupsafe import Markup, escape
from PIL import Image, ImageDraw

PALETTE = ["#4E79A7", "#F28E2B", "#E15759", "#76B7B2", "#59A14F",
           "#EDC948", "#B07AA1", "#FF9DA7", "#9C755F", "#BAB0AC"]
MAX_SLICES = len(PALETTE)
RADIUS = 100
LEGEND_ROW = 22


@dataclass(frozen=True)
class Slice:
    label: str
    count: int
    percent: float
    colour: str


def slices(counts: list[tuple[str, int]]) -> list[Slice]:
    """The slices for ``(label, count)`` pairs: largest first, the tail folded into "Other"."""
    ranked = sorted((pair for pair in counts if pair[1] > 0), key=lambda pair: (-pair[1], pair[0]))
    if len(ranked) > MAX_SLICES:
        head, tail = ranked[: MAX_SLICES - 1], ranked[MAX_SLICES - 1:]
        ranked = [*head, (f"Other ({len(tail)})", sum(count for _, count in tail))]
    total = sum(count for _, count in ranked)
    return [
        Slice(label=label, count=count, percent=round(100 * count / total, 1), colour=PALETTE[index])
        for index, (label, count) in enumerate(ranked)
    ]


def _point(fraction: float) -> tuple[float, float]:
    angle = 2 * math.pi * fraction - math.pi / 2
    return RADIUS + RADIUS * math.cos(angle), RADIUS + RADIUS * math.sin(angle)


def _wedge(start: float, end: float) -> str:
    (x0, y0), (x1, y1) = _point(start), _point(end)
    large = 1 if end - start > 0.5 else 0
    return f"M{RADIUS},{RADIUS} L{x0:.2f},{y0:.2f} A{RADIUS},{RADIUS} 0 {large} 1 {x1:.2f},{y1:.2f} Z"


def describe(title: str, parts: list[Slice]) -> str:
    """The chart in words: its text alternative."""
    if not parts:
        return f"{title}: no participants yet."
    return f"{title}: " + "; ".join(f"{part.label} {part.count} ({part.percent:g}%)" for part in parts) + "."


def pie_svg(title: str, parts: list[Slice], *, chart_id: str) -> Markup:
    """An inline SVG element: the pie on the left, the legend with counts and percentages on the right."""
    height = max(2 * RADIUS + 10, LEGEND_ROW * len(parts) + 10)
    shapes = []
    start = 0.0
    total = sum(part.count for part in parts)
    for part in parts:
        end = start + part.count / total
        label = escape(f"{part.label}: {part.count} ({part.percent:g}%)")
        if len(parts) == 1:
            shapes.append(f'<circle cx="{RADIUS}" cy="{RADIUS}" r="{RADIUS}" fill="{part.colour}"><title>{label}</title></circle>')
        else:
            shapes.append(f'<path d="{_wedge(start, end)}" fill="{part.colour}" stroke="#fff" stroke-width="1.5">'
                          f"<title>{label}</title></path>")
        start = end
    legend = []
    for row, part in enumerate(parts):
        y = 5 + row * LEGEND_ROW
        legend.append(
            f'<rect x="{2 * RADIUS + 24}" y="{y + 3}" width="14" height="14" fill="{part.colour}"/>'
            f'<text x="{2 * RADIUS + 46}" y="{y + 15}">{escape(part.label)}</text>'
            f'<text x="{2 * RADIUS + 400}" y="{y + 15}" text-anchor="end">{part.count} ({part.percent:g}%)</text>'
        )
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {2 * RADIUS + 404} {height}" '
        f'width="{2 * RADIUS + 404}" height="{height}" aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'font-family="DejaVu Sans, Helvetica, Arial, sans-serif" font-size="13" fill="#222">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(describe(title, parts))}</desc>'
        f'<g>{"".join(shapes)}</g><g>{"".join(legend)}</g></svg>'
    )


def pie_png(parts: list[Slice], *, size: int = 480) -> bytes:
    """The pie alone as a PNG (the DOCX prints the legend as a table beside it)."""
    image = Image.new("RGB", (size, size), "white")
    draw = ImageDraw.Draw(image)
    box = (4, 4, size - 4, size - 4)
    total = sum(part.count for part in parts) or 1
    start = -90.0
    for part in parts:
        end = start + 360 * part.count / total
        draw.pieslice(box, start, end, fill=part.colour, outline="white", width=3 if len(parts) > 1 else 0)
        start = end
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
