"""QR codes (segno) for check-in codes: SVG for pages and PDFs."""

from __future__ import annotations

import io

import segno


def qr_svg(data: str, *, scale: int = 4) -> str:
    """An inline SVG element (no XML declaration), ready to embed in HTML."""
    buffer = io.BytesIO()
    segno.make(data, error="m").save(buffer, kind="svg", scale=scale, xmldecl=False, svgns=True, nl=False)
    return buffer.getvalue().decode()
