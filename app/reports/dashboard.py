"""The statistics dashboard's figures: registrations over time (from their timestamps), by status,
country, type of organisation and project, attendance per session, and the answers to the event's
own choice questions. Three queries whatever the number of registrations; the counting is a pure
function of the rows.

Everything but the count by status is over the live registrations (confirmed, pending or on the
waiting list): who is coming, or may, not who cancelled or was turned away.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlmodel import col

from app.core.countries import country_name
from app.core.timezones import in_zone
from app.directory.models import Organisation, OrganisationType, Project
from app.events.models import Event
from app.registration.models import LIVE_STATUSES, Question, QuestionKind, Registration, RegistrationStatus
from app.reports.statistics import SessionAttendance, session_attendance

NOT_GIVEN = "Not given"
CHOICE_KINDS = (QuestionKind.single_choice, QuestionKind.multiple_choice, QuestionKind.yes_no, QuestionKind.consent)


@dataclass(frozen=True)
class RegistrationRow:
    """What the dashboard needs of one registration (no names)."""

    created_at: datetime
    status: RegistrationStatus
    country: str | None
    organisation_type: OrganisationType | None
    project: str | None
    answers: dict


@dataclass(frozen=True)
class QuestionCounts:
    label: str
    counts: list[tuple[str, int]]  # each choice in the form's order, then any other answer given


@dataclass(frozen=True)
class Dashboard:
    over_time: list[tuple[date, int]]  # each day with registrations, and how many there were in all by its end
    by_status: list[tuple[str, int]]
    by_country: list[tuple[str, int]]
    by_organisation_type: list[tuple[str, int]]
    by_project: list[tuple[str, int]]
    sessions: list[SessionAttendance]
    questions: list[QuestionCounts]


def _ranked(counter: Counter) -> list[tuple[str, int]]:
    return sorted(counter.items(), key=lambda item: (-item[1], item[0]))


def _chosen(answer) -> list[str]:
    """The choices one answer names: a list for several choices, a yes/no or a ticked box as words."""
    if isinstance(answer, list):
        return [str(choice) for choice in answer]
    if isinstance(answer, bool):
        return ["Yes" if answer else "No"]
    return [] if answer in (None, "") else [str(answer)]


def _question_counts(question: Question, rows: list[RegistrationRow]) -> QuestionCounts:
    counter = Counter(choice for row in rows for choice in _chosen(row.answers.get(question.key)))
    known = question.options or (["Yes", "No"] if question.kind in (QuestionKind.yes_no, QuestionKind.consent) else [])
    counts = [(option, counter.pop(option, 0)) for option in known]
    return QuestionCounts(label=question.label, counts=counts + _ranked(counter))


def compute_dashboard(
    rows: list[RegistrationRow], questions: list[Question], sessions: list[SessionAttendance], zone: str
) -> Dashboard:
    live = [row for row in rows if row.status in LIVE_STATUSES]
    per_day = Counter(in_zone(row.created_at, zone).date() for row in rows)
    running, over_time = 0, []
    for day in sorted(per_day):
        running += per_day[day]
        over_time.append((day, running))
    by_status = Counter(row.status for row in rows)
    return Dashboard(
        over_time=over_time,
        by_status=[
            (status.value.replace("_", " ").capitalize(), by_status.get(status, 0)) for status in RegistrationStatus
        ],
        by_country=_ranked(Counter(country_name(row.country) if row.country else NOT_GIVEN for row in live)),
        by_organisation_type=_ranked(
            Counter(row.organisation_type.label if row.organisation_type else NOT_GIVEN for row in live)
        ),
        by_project=_ranked(Counter(row.project or "No project" for row in live)),
        sessions=sessions,
        questions=[_question_counts(question, live) for question in questions if question.kind in CHOICE_KINDS],
    )


def event_dashboard(session: Session, event: Event) -> Dashboard:
    rows = [
        RegistrationRow(*row)
        for row in session.execute(
            select(
                col(Registration.created_at),
                col(Registration.status),
                col(Registration.country),
                col(Organisation.type),
                col(Project.acronym),
                col(Registration.answers),
            )
            .outerjoin(Organisation, col(Organisation.id) == col(Registration.organisation_id))
            .outerjoin(Project, col(Project.id) == col(Registration.project_id))
            .where(col(Registration.event_id) == event.id)
        )
    ]
    questions = list(
        session.execute(
            select(Question)
            .where(col(Question.event_id) == event.id)
            .order_by(col(Question.position), col(Question.id))
        ).scalars()
    )
    return compute_dashboard(rows, questions, session_attendance(session, event.id), event.timezone)
