"""Bulk import of registrations from CSV, by an organiser: a dry run, then all or nothing.

Each row goes through the same ``register`` as the form (as an organiser: confirmed directly,
capacity applying), inside its own savepoint, so the dry run reports exactly what the real run
would refuse: every bad row by its line number. A dry run, or a run with any bad row, is rolled
back whole. The columns are those of the export: ``first_name``, ``last_name``, ``email``,
``organisation``, ``organisation_type``, ``country``, ``project``, ``publication`` and
``answers.<key>`` (several choices separated by ``;``); other export columns are ignored.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.core.countries import country_names
from app.core.errors import AppError, InvalidInput
from app.directory.models import OrganisationType
from app.events.models import Event
from app.registration.exports import ANSWER_PREFIX, ORGANISER_COLUMNS
from app.registration.forms import validation_errors
from app.registration.models import Question, QuestionKind
from app.registration.questions import event_questions
from app.registration.schemas import RegistrationCreate
from app.registration.service import AlreadyRegistered, register

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
REQUIRED_COLUMNS = ("first_name", "last_name", "email")
INPUT_COLUMNS = (*REQUIRED_COLUMNS, "organisation", "organisation_type", "country", "project", "publication")
# Export columns an import accepts and ignores, so an export can be edited and imported again.
IGNORED_COLUMNS = frozenset(ORGANISER_COLUMNS) - frozenset(INPUT_COLUMNS)
_TRUE = {"yes", "y", "true", "1", "x"}
_FALSE = {"no", "n", "false", "0", ""}


@dataclass
class RowError:
    line: int
    field: str
    message: str


@dataclass
class ImportReport:
    dry_run: bool
    rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)

    def as_dict(self) -> dict[str, Any]:
        return {
            "dry_run": self.dry_run,
            "ok": not self.errors,
            "rows": self.rows,
            "imported": 0 if self.dry_run or self.errors else self.rows,
            "statuses": dict(self.statuses),
            "errors": [error.__dict__ for error in self.errors],
        }


class ImportRejected(InvalidInput):
    title = "Import refused"


def _decode(data: bytes) -> str:
    if len(data) > MAX_BYTES:
        raise ImportRejected(f"the file is larger than {MAX_BYTES // (1024 * 1024)} MB; split it", field="file")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportRejected("the file is not UTF-8 text; save it as CSV UTF-8", field="file") from None


def _check_header(header: Sequence[str], questions: dict[str, Question]) -> list[RowError]:
    errors = [RowError(1, name, f"the column {name!r} is missing") for name in REQUIRED_COLUMNS if name not in header]
    for name in header:
        known = name in INPUT_COLUMNS or name in IGNORED_COLUMNS or name.removeprefix(ANSWER_PREFIX) in questions
        if not known:
            errors.append(RowError(1, name, f"unknown column {name!r}; answers go in 'answers.<question key>' columns"))
    return errors


def _country(text: str) -> str:
    by_name = {name.lower(): code for code, name in country_names().items()}
    return by_name.get(text.lower(), text)


def _organisation_type(text: str) -> str:
    by_label = {kind.label.lower(): kind.value for kind in OrganisationType}
    return by_label.get(text.lower(), text)


def _answer(question: Question, text: str) -> Any:
    if question.kind is QuestionKind.multiple_choice:
        return [item.strip() for item in text.split(";") if item.strip()]
    if question.kind in (QuestionKind.yes_no, QuestionKind.consent):
        lowered = text.lower()
        return True if lowered in _TRUE else False if lowered in _FALSE else text
    return text


def _payload(row: dict[str, str], questions: dict[str, Question]) -> dict[str, Any]:
    cells = {key: (value or "").strip() for key, value in row.items() if key is not None}
    payload: dict[str, Any] = {name: cells.get(name) or None for name in INPUT_COLUMNS if name != "publication"}
    if payload["country"]:
        payload["country"] = _country(payload["country"])
    if payload["organisation_type"]:
        payload["organisation_type"] = _organisation_type(payload["organisation_type"])
    payload["answers"] = {
        key: _answer(question, cells[ANSWER_PREFIX + key])
        for key, question in questions.items()
        if cells.get(ANSWER_PREFIX + key, "") != ""
    }
    # The organiser who imports people vouches for their consent; names stay unpublished unless said.
    payload["consents"] = {"privacy": True, "publication": cells.get("publication") or "nobody"}
    return payload


def import_registrations(
    session: Session, event: Event, data: bytes, *, dry_run: bool, by: str | None = None
) -> ImportReport:
    """Check every row and, unless ``dry_run``, store them all; a real run with any bad row raises
    ImportRejected (nothing stored), a dry run reports the bad rows."""
    reader = csv.DictReader(io.StringIO(_decode(data), newline=""))
    questions = {question.key: question for question in event_questions(session, event)}
    report = ImportReport(dry_run=dry_run, errors=_check_header(reader.fieldnames or [], questions))
    if report.errors:
        raise ImportRejected("the file's header is not right", extra=report.as_dict())
    everything = session.begin_nested()
    for row in reader:
        report.rows += 1
        if report.rows > MAX_ROWS:
            everything.rollback()
            raise ImportRejected(f"the file has more than {MAX_ROWS} rows; split it", field="file")
        if None in row:
            report.errors.append(RowError(reader.line_num, "row", "the row has more cells than the header"))
            continue
        _import_row(session, event, row, questions, reader.line_num, report, by)
    if dry_run or report.errors:
        everything.rollback()
    else:
        everything.commit()
    if report.errors and not dry_run:
        raise ImportRejected(
            f"{len(report.errors)} problem(s) in the file; nothing was imported", extra=report.as_dict()
        )
    return report


def _import_row(
    session: Session,
    event: Event,
    row: dict,
    questions: dict[str, Question],
    line: int,
    report: ImportReport,
    by: str | None,
) -> None:
    try:
        data = RegistrationCreate.model_validate(_payload(row, questions))
    except ValidationError as error:
        report.errors += [RowError(line, name, message) for name, message in validation_errors(error).items()]
        return
    savepoint = session.begin_nested()
    try:
        registration = register(session, event, data, by_organiser=True, by=by).registration
    except (AppError, IntegrityError) as error:
        savepoint.rollback()
        report.errors.append(_row_error(line, error))
        return
    savepoint.commit()
    report.statuses[registration.status.value] += 1


def _row_error(line: int, error: Exception) -> RowError:
    if isinstance(error, AlreadyRegistered):
        return RowError(
            line, "email", "this email address is already registered for this event (or earlier in the file)"
        )
    if isinstance(error, AppError):
        return RowError(line, error.field or "row", error.detail)
    return RowError(line, "row", "conflicts with existing data")
