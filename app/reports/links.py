"""Signed, expiring download links for generated reports: they open in a browser, without a token.

The API's download needs ``Authorization: Bearer``, which a browser cannot send from an address
bar, so a report link printed by ``convene demo`` (or pasted into an email) answered 401. A link here
carries the report's id signed with the installation secret and a timestamp (itsdangerous); it
cannot be forged or pointed at another report, and stops working after ``LINK_LIFETIME``.
"""

from __future__ import annotations

from datetime import timedelta

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy.orm import Session

from app.core.config import Settings
from app.core.errors import Forbidden, NotFound
from app.reports.models import Report

SALT = "convene.report-download"
LINK_LIFETIME = timedelta(days=7)
DOWNLOAD_PREFIX = "/downloads/reports"


class InvalidDownloadLink(NotFound):
    title = "Invalid link"


class DownloadLinkExpired(Forbidden):
    title = "Link expired"


def _serializer(settings: Settings) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(settings.signing_key(), salt=SALT)


def signed_download_path(settings: Settings, report: Report) -> str:
    return f"{DOWNLOAD_PREFIX}/{_serializer(settings).dumps({'report': report.id})}"


def report_for_download(session: Session, settings: Settings, token: str) -> Report:
    """The report a signed link names; 404 for a forged or unknown one, 403 once it has expired."""
    try:
        payload = _serializer(settings).loads(token, max_age=int(LINK_LIFETIME.total_seconds()))
    except SignatureExpired:
        raise DownloadLinkExpired("this download link has expired; ask for a new one") from None
    except BadSignature:
        raise InvalidDownloadLink("this download link is not valid") from None
    report_id = payload.get("report") if isinstance(payload, dict) else None
    report = session.get(Report, report_id) if isinstance(report_id, int) else None
    if report is None:
        raise InvalidDownloadLink("this download link names no report")
    return report
