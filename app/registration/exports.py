"""An event's registrations as CSV or XLSX, custom answers included.

Organisers get every column; an export meant for participants or the public lists only the
people whose publication consent covers that audience, and only the columns a list of names
needs. Every cell that a spreadsheet would read as a formula is neutralised.
"""

from __future__ import annotations

import csv
import enum
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlmodel import col

from app.core.collation import person_sort_key
from app.core.countries import country_name
from app.directory.models import Organisation, Project
from app.events.models import Event
from app.registration.models import Question, Registration, RegistrationStatus
from app.registration.privacy import Audience, publishable

# A leading one of these makes Excel, LibreOffice and Sheets evaluate the cell (OWASP: CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# ... and so does one after a separator, once a spreadsheet splits the line at its own list separator
# (";" in Belgian, French and German Excel, "," elsewhere, tab when pasted), quotes and spaces between.
_FORMULA_AFTER_SEPARATOR = re.compile(r"([,;\t][\s\"']*)([=+\-@])")
# XML 1.0 cannot hold these, so neither can an XLSX cell; stored text might (written before the
# edge refused them, or imported straight into the database).
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

ORGANISER_COLUMNS = [
    "id",
    "status",
    "waitlist_position",
    "first_name",
    "last_name",
    "email",
    "organisation",
    "organisation_type",
    "country",
    "country_name",
    "project",
    "publication",
    "created_at",
    "confirmed_at",
    "cancelled_at",
]
PUBLIC_COLUMNS = ["first_name", "last_name", "organisation", "country_name", "project"]
ANSWER_PREFIX = "answers."


class ExportFormat(str, enum.Enum):
    csv = "csv"
    xlsx = "xlsx"


MEDIA_TYPES = {
    ExportFormat.csv: "text/csv; charset=utf-8",
    ExportFormat.xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass(frozen=True)
class Table:
    header: list[str]
    rows: list[list[str]]


def neutralise(value: str) -> str:
    """An apostrophe before every formula a spreadsheet could find in the cell: at its start, and
    after each separator a spreadsheet might split it at (``x;=1+1`` read with ";" as the separator)."""
    value = _FORMULA_AFTER_SEPARATOR.sub(r"\1'\2", value)
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, enum.Enum):
        return str(value.value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return "; ".join(cell_text(item) for item in value)
    return str(value)


def registrations_table(session: Session, event: Event, audience: Audience = Audience.organisers) -> Table:
    """The event's registrations, in alphabetical order of last names, as text cells (three queries)."""
    questions = (
        session.execute(
            select(Question)
            .where(col(Question.event_id) == event.id)
            .order_by(col(Question.position), col(Question.id))
        )
        .scalars()
        .all()
    )
    rows = session.execute(
        select(Registration, Organisation, col(Project.acronym))
        .outerjoin(Organisation, col(Organisation.id) == col(Registration.organisation_id))
        .outerjoin(Project, col(Project.id) == col(Registration.project_id))
        .where(col(Registration.event_id) == event.id)
        .order_by(col(Registration.id))
    ).all()
    rows = sorted(rows, key=lambda row: person_sort_key(row[0].last_name, row[0].first_name))
    positions = _waitlist_positions([registration for registration, _, _ in rows])
    if audience is Audience.organisers:
        header = ORGANISER_COLUMNS + [ANSWER_PREFIX + question.key for question in questions]
        body = [
            _organiser_row(registration, organisation, acronym, positions, questions)
            for registration, organisation, acronym in rows
        ]
    else:
        header = PUBLIC_COLUMNS
        body = [
            _public_row(registration, organisation, acronym)
            for registration, organisation, acronym in rows
            if registration.status is RegistrationStatus.confirmed and publishable(registration, audience)
        ]
    return Table(header=header, rows=[[neutralise(cell) for cell in row] for row in body])


def _waitlist_positions(registrations: list[Registration]) -> dict[int, int]:
    waiting = sorted(
        (r for r in registrations if r.status is RegistrationStatus.waitlisted),
        key=lambda r: (r.waitlist_rank if r.waitlist_rank is not None else 0, r.id),
    )
    return {registration.id: position for position, registration in enumerate(waiting, start=1)}


def _organiser_row(
    registration: Registration,
    organisation: Organisation | None,
    acronym: str | None,
    positions: dict[int, int],
    questions: Sequence[Question],
) -> list[str]:
    values = [
        registration.id,
        registration.status,
        positions.get(registration.id),
        registration.first_name,
        registration.last_name,
        registration.email,
        organisation.name if organisation else None,
        organisation.type if organisation else None,
        registration.country,
        country_name(registration.country),
        acronym,
        registration.publication,
        registration.created_at,
        registration.confirmed_at,
        registration.cancelled_at,
    ]
    values += [registration.answers.get(question.key) for question in questions]
    return [cell_text(value) for value in values]


def _public_row(registration: Registration, organisation: Organisation | None, acronym: str | None) -> list[str]:
    values = [
        registration.first_name,
        registration.last_name,
        organisation.name if organisation else None,
        country_name(registration.country),
        acronym,
    ]
    return [cell_text(value) for value in values]


def to_csv(table: Table) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(table.header)
    writer.writerows(table.rows)
    # The byte-order mark makes Excel read the file as UTF-8 (accented names stay intact).
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(table: Table, *, title: str = "Registrations") -> bytes:
    from openpyxl import Workbook  # heavy: loaded on first use (fast start-up)

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append(table.header)
    for row in table.rows:
        sheet.append([_NOT_XML.sub("", cell) for cell in row])
    for cells in sheet.iter_rows():
        for cell in cells:
            # Strings starting with "=" would otherwise be stored as formulas by openpyxl.
            cell.data_type = "s"
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export_registrations(
    session: Session, event: Event, export_format: ExportFormat, audience: Audience = Audience.organisers
) -> tuple[bytes, str, str]:
    """The file's bytes, media type and file name."""
    table = registrations_table(session, event, audience)
    suffix = "" if audience is Audience.organisers else f"-{audience.value}"
    name = f"{event.slug}-registrations{suffix}.{export_format.value}"
    body = to_csv(table) if export_format is ExportFormat.csv else to_xlsx(table)
    return body, MEDIA_TYPES[export_format], name
