"""PDF through WeasyPrint: page numbers and the table of contents come from the CSS (paged media)."""

from __future__ import annotations

from weasyprint import HTML
from weasyprint.urls import URLFetcher


def _fetcher() -> URLFetcher:
    """Only data: URIs. A report (or an uploaded template) can never make us read a local file
    (file:) or call out over the network (http:, ftp:...)."""
    return URLFetcher(allowed_protocols={"data"}, timeout=1)


def render_pdf(html: str) -> bytes:
    return HTML(string=html, base_url=None, url_fetcher=_fetcher()).write_pdf()
