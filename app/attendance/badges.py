"""Name badges and certificates of attendance as PDF (WeasyPrint).

The HTML comes from the one autoescaping Jinja environment, so a name such as ``<b>Ann</b>`` is
printed as typed. The URL fetcher accepts only ``data:`` URLs: the QR codes are inlined that way,
and nothing in a participant's text can make the renderer read a file or call the network.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import Select, select
from sqlalchemy.orm import Session
from sqlmodel import col

from app.attendance.models import Checkin
from app.core.collation import person_sort_key
from app.core.errors import Conflict
from app.core.isolation import preload, run_isolated
from app.core.qr import qr_svg
from app.core.templating import render_page
from app.core.timezones import in_zone
from app.core.types import utcnow
from app.directory.models import Organisation, Project
from app.events.models import Event
from app.registration.models import Registration, RegistrationStatus

if TYPE_CHECKING:
    from weasyprint.urls import URLFetcher

PRINT_SECONDS = 120.0
preload("weasyprint", __name__)  # imported once by the fork server the printing children come from


class NothingToPrint(Conflict):
    title = "Nothing to print"


@dataclass(frozen=True)
class Holder:
    """One person on a badge or certificate."""

    registration_id: int
    first_name: str
    last_name: str
    organisation: str | None
    project: str | None
    country: str | None
    checkin_code: str

    @property
    def qr_data_url(self) -> str:
        return "data:image/svg+xml;base64," + base64.b64encode(qr_svg(self.checkin_code).encode()).decode()


def _holders(session: Session, event: Event, *, attended: bool, registration_id: int | None = None) -> list[Holder]:
    statement: Select = (
        select(
            col(Registration.id),
            col(Registration.first_name),
            col(Registration.last_name),
            col(Organisation.name).label("organisation"),
            col(Project.acronym),
            col(Registration.country),
            col(Registration.checkin_code),
        )
        .outerjoin(Organisation, col(Organisation.id) == col(Registration.organisation_id))
        .outerjoin(Project, col(Project.id) == col(Registration.project_id))
        .where(col(Registration.event_id) == event.id)
        .order_by(col(Registration.id))
    )
    if attended:
        statement = statement.join(
            Checkin, (col(Checkin.registration_id) == col(Registration.id)) & col(Checkin.session_id).is_(None)
        )
    else:
        statement = statement.where(col(Registration.status) == RegistrationStatus.confirmed)
    if registration_id is not None:
        statement = statement.where(col(Registration.id) == registration_id)
    holders = [Holder(*row) for row in session.execute(statement)]
    return sorted(holders, key=lambda holder: person_sort_key(holder.last_name, holder.first_name))


def restricted_fetcher() -> URLFetcher:
    from weasyprint.urls import URLFetcher  # heavy: loaded on first use (fast start-up)

    return URLFetcher(allowed_protocols={"data"}, allow_redirects=False)


def render_pdf(html: str) -> bytes:
    from weasyprint import HTML  # heavy: loaded on first use (fast start-up)

    return HTML(string=html, url_fetcher=restricted_fetcher()).write_pdf()


def pdf_isolated(html: str) -> bytes:
    """The PDF of ``html``, printed in a child process with a deadline and a memory limit (the caller
    has ended its transaction: printing holds nothing a registration would wait for)."""
    return run_isolated(render_pdf, html, seconds=PRINT_SECONDS, what="printing the PDF")


def badges_html(session: Session, event: Event) -> str:
    """The badges' page, to print with :func:`pdf_isolated`."""
    holders = _holders(session, event, attended=False)
    if not holders:
        raise NothingToPrint("no confirmed participants yet, so there are no badges to print")
    return render_page("attendance/badges.html", event=event, holders=holders)


def certificates_html(session: Session, event: Event, *, registration_id: int | None = None) -> str:
    """One page per attendee (checked in to the event), or for one registration only; none before the
    event has started, so no certificate ever vouches for a day still to come. To print with
    :func:`pdf_isolated`."""
    now = utcnow()
    if now < event.starts_at:
        starts = in_zone(event.starts_at, event.timezone)
        raise NothingToPrint(
            f"the event has not started yet: certificates of attendance can be printed from "
            f"{starts:%d %B %Y} at {starts:%H:%M} ({event.timezone})"
        )
    holders = _holders(session, event, attended=True, registration_id=registration_id)
    if not holders:
        detail = (
            "this participant was not checked in to the event, so there is no certificate of attendance"
            if registration_id is not None
            else "no one has been checked in to the event yet"
        )
        raise NothingToPrint(detail)
    return render_page(
        "attendance/certificates.html",
        event=event,
        holders=holders,
        starts_at=in_zone(event.starts_at, event.timezone),
        ends_at=in_zone(event.ends_at, event.timezone),
        issued_on=in_zone(now, event.timezone),
        paragraphs=paragraphs(event.description),
    )


def paragraphs(text: str | None) -> list[str]:
    """The organisers' text split at blank lines, as they typed it (never read as HTML)."""
    return [part.strip() for part in (text or "").split("\n\n") if part.strip()]
