"""The report's file formats; a module of its own so that the CLI can offer them cheaply."""

from __future__ import annotations

import enum


class ReportFormat(str, enum.Enum):
    html = "html"
    pdf = "pdf"
    docx = "docx"
    md = "md"
