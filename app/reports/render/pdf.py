"""PDF through WeasyPrint: page numbers and the table of contents come from the CSS (paged media)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from weasyprint.urls import URLFetcher


def _fetcher() -> URLFetcher:
    """Only data: URIs. A report (or an uploaded template) can never make us read a local file
    (file:) or call out over the network (http:, ftp:...)."""
    from weasyprint.urls import URLFetcher  # heavy: loaded on first use (fast start-up)

    return URLFetcher(allowed_protocols={"data"}, timeout=1)


def render_pdf(html: str) -> bytes:
    from weasyprint import HTML  # heavy: loaded on first use (fast start-up)

    return HTML(string=html, base_url=None, url_fetcher=_fetcher()).write_pdf()
