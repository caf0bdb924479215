"""Messages to a chosen audience: who the filters pick, the check of the text, the sending (one
outbox email per recipient, in the transaction that records the mailing and its recipients), and
the worker's sending of the scheduled ones, once each.

A mailing is an optional message (app.notifications.messages.OPTIONAL): the participants who
unsubscribed from those (app.registration.unsubscribe) are skipped when it is sent, and counted.
Anything else that sends an optional message to participants goes through :func:`send_mailing`,
so that rule lives here once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import exists, select, update
from sqlalchemy.orm import Session
from sqlmodel import col

from app.agenda.models import AgendaSession
from app.attendance.models import Checkin
from app.breakouts.models import BreakoutAssignment, BreakoutGroup
from app.communications.mailing_schemas import Audience, MailingPreview
from app.communications.models import Mailing, MailingRecipient
from app.core.db import Database, rowcount
from app.core.errors import InvalidInput, NotFound
from app.core.types import utcnow
from app.directory.models import Organisation, Project
from app.events.models import Event
from app.notifications.catalogue import render_email
from app.notifications.messages import SAMPLE_LINKS, MailingProps, Message
from app.notifications.outbox import queue_email
from app.notifications.texts import Text, check_text
from app.registration.emails import registration_fields
from app.registration.models import Registration
from app.registration.unsubscribe import receives_optional_messages

SCHEDULED, SENT = "scheduled", "sent"


class NoSuchMailing(NotFound):
    title = "Mailing not found"


def _unknown(wanted: list[int], found: set[int], field: str, what: str) -> None:
    missing = sorted(set(wanted) - found)
    if missing:
        raise InvalidInput(f"no {what} of this event has the id {', '.join(map(str, missing))}", field=field)


def check_audience(session: Session, event: Event, audience: Audience) -> None:
    """Refuse (422 naming the filter) an id that names nothing of this event."""
    if audience.groups:
        found = session.execute(
            select(col(BreakoutGroup.id))
            .join(AgendaSession, col(AgendaSession.id) == col(BreakoutGroup.session_id))
            .where(col(AgendaSession.event_id) == event.id, col(BreakoutGroup.id).in_(audience.groups))
        ).scalars()
        _unknown(audience.groups, set(found), "to.groups", "breakout group")
    if audience.projects:
        found = session.execute(select(col(Project.id)).where(col(Project.id).in_(audience.projects))).scalars()
        _unknown(audience.projects, set(found), "to.projects", "project")
    if audience.registrations:
        found = session.execute(
            select(col(Registration.id)).where(
                col(Registration.event_id) == event.id, col(Registration.id).in_(audience.registrations)
            )
        ).scalars()
        _unknown(audience.registrations, set(found), "to.registrations", "registration")
    for country in audience.countries:
        if len(country) != 2 or not country.isalpha():
            raise InvalidInput(f"{country!r} is not a two-letter country code", field="to.countries")


@dataclass(frozen=True)
class AudienceChoices:
    """What an event's audience filters may name, as (value, label) pairs for a form."""

    groups: list[tuple[int, str]]  # "Working groups: Smart specialisation"
    projects: list[tuple[int, str]]  # those the event's participants represent
    countries: list[str]  # the event's participants' countries


def audience_choices(session: Session, event: Event) -> AudienceChoices:
    groups = session.execute(
        select(col(BreakoutGroup.id), col(AgendaSession.title), col(BreakoutGroup.title))
        .join(AgendaSession, col(AgendaSession.id) == col(BreakoutGroup.session_id))
        .where(col(AgendaSession.event_id) == event.id)
        .order_by(col(AgendaSession.starts_at), col(AgendaSession.id), col(BreakoutGroup.id))
    ).all()
    of_event = select(Registration).where(
        col(Registration.event_id) == event.id, col(Registration.anonymised_at).is_(None)
    )
    projects = session.execute(
        select(col(Project.id), col(Project.acronym))
        .where(col(Project.id).in_(of_event.with_only_columns(col(Registration.project_id))))
        .order_by(Project.acronym)
    ).all()
    countries = session.execute(
        of_event.with_only_columns(col(Registration.country)).distinct().where(col(Registration.country).is_not(None))
    ).scalars()
    return AudienceChoices(
        groups=[(group_id, f"{item}: {title}") for group_id, item, title in groups],
        projects=[(project_id, acronym) for project_id, acronym in projects],
        countries=sorted(country for country in countries if country is not None),
    )  # none: is_not(None)


def recipients(session: Session, event: Event, audience: Audience) -> list[Registration]:
    """The participants the filters pick (every filter given, any value within one), by id."""
    query = select(Registration).where(
        col(Registration.event_id) == event.id,
        col(Registration.anonymised_at).is_(None),
        col(Registration.status).in_(audience.status),
    )
    if audience.attendance:
        checked_in = exists().where(
            col(Checkin.registration_id) == col(Registration.id), col(Checkin.session_id).is_(None)
        )
        query = query.where(checked_in if audience.attendance == "checked_in" else ~checked_in)
    if audience.groups:
        query = query.where(
            col(Registration.id).in_(
                select(col(BreakoutAssignment.registration_id)).where(
                    col(BreakoutAssignment.group_id).in_(audience.groups)
                )
            )
        )
    if audience.projects:
        query = query.where(col(Registration.project_id).in_(audience.projects))
    if audience.countries:
        query = query.where(col(Registration.country).in_([country.upper() for country in audience.countries]))
    if audience.organisation_types:
        query = query.where(
            col(Registration.organisation_id).in_(
                select(col(Organisation.id)).where(col(Organisation.type).in_(audience.organisation_types))
            )
        )
    if audience.registrations:
        query = query.where(col(Registration.id).in_(audience.registrations))
    return list(session.execute(query.order_by(col(Registration.id))).scalars())


def _props(event: Event, registration: Registration, mailing_id: int, text: Text) -> MailingProps:
    return MailingProps(
        **registration_fields(event, registration), mailing_id=mailing_id, subject=text.subject, body=text.body
    )


def opted_in(chosen: list[Registration]) -> tuple[list[Registration], int]:
    """Those of ``chosen`` who receive optional messages, and how many unsubscribed (skipped)."""
    sent = [registration for registration in chosen if receives_optional_messages(registration)]
    return sent, len(chosen) - len(sent)


def _checked(session: Session, event: Event, text: Text, audience: Audience) -> list[Registration]:
    check_text(Message.mailing, text)
    check_audience(session, event, audience)
    chosen = recipients(session, event, audience)
    if not chosen:
        raise InvalidInput("no participant matches these filters", field="to")
    sent, skipped = opted_in(chosen)
    if not sent:
        raise InvalidInput(
            f"the {skipped} participant(s) these filters pick unsubscribed from the organisers' messages", field="to"
        )
    return chosen


def preview(session: Session, event: Event, text: Text, audience: Audience) -> MailingPreview:
    """The counts (to be sent, skipped as unsubscribed) and the email as the first recipient would
    read it, its unsubscribe link at the foot (sample links); nothing written."""
    sent, skipped = opted_in(_checked(session, event, text, audience))
    rendered = render_email(Message.mailing, _props(event, sent[0], 0, text), SAMPLE_LINKS)
    return MailingPreview(
        count=len(sent),
        skipped=skipped,
        subject=rendered.subject,
        text=rendered.text,
        html=rendered.html,
        sample=sent[0].full_name,
    )


def send_mailing(session: Session, event: Event, mailing: Mailing, chosen: list[Registration]) -> None:
    """Queue one email per participant of ``chosen`` who receives optional messages, record who was
    sent it, and count the others as skipped."""
    text = Text(mailing.subject, mailing.body)
    sent, mailing.skipped = opted_in(chosen)
    for registration in sent:
        queue_email(
            session,
            Message.mailing,
            to=registration.email,
            props=_props(event, registration, mailing.id, text),
            dedup_key=f"mailing:{mailing.id}:{registration.id}",
        )
        session.add(MailingRecipient(mailing_id=mailing.id, registration_id=registration.id, email=registration.email))
    mailing.recipients, mailing.sent_at = len(sent), utcnow()


def check_send_at(send_at: datetime | None) -> None:
    """A send time is in the future, with its time zone (None: now)."""
    if send_at is not None and (send_at.tzinfo is None or send_at <= utcnow()):
        raise InvalidInput("the send time must be in the future, with its time zone", field="send_at")


def create_mailing(session: Session, event: Event, text: Text, audience: Audience, send_at: datetime | None) -> Mailing:
    """Check and record the mailing; queue its emails now, or keep it for the worker at ``send_at``."""
    check_send_at(send_at)
    chosen = _checked(session, event, text, audience)
    mailing = Mailing(
        event_id=event.id,
        subject=text.subject.strip(),
        body=text.body,
        audience=audience.model_dump(mode="json"),
        status=SCHEDULED if send_at else SENT,
        send_at=send_at,
    )
    session.add(mailing)
    session.flush()
    if send_at is None:
        send_mailing(session, event, mailing, chosen)
    session.flush()
    return mailing


def list_mailings(session: Session, event: Event) -> list[Mailing]:
    return list(
        session.execute(
            select(Mailing)
            .where(col(Mailing.event_id) == event.id)
            .order_by(col(Mailing.created_at).desc(), col(Mailing.id).desc())
        ).scalars()
    )


def get_mailing(session: Session, event: Event, mailing_id: int) -> Mailing:
    mailing = session.get(Mailing, mailing_id)
    if mailing is None or mailing.event_id != event.id:
        raise NoSuchMailing(f"event {event.id} has no mailing {mailing_id}")
    return mailing


def mailing_recipients(session: Session, mailing: Mailing) -> list[tuple[MailingRecipient, Registration]]:
    return list(
        session.execute(
            select(MailingRecipient, Registration)
            .join(Registration, col(Registration.id) == col(MailingRecipient.registration_id))
            .where(col(MailingRecipient.mailing_id) == mailing.id)
            .order_by(col(MailingRecipient.id))
        ).all()
    )


def send_due_mailings(database: Database) -> int:
    """Queue the scheduled mailings whose time has come. Each is claimed by an UPDATE guarded by its
    status, so two workers never both send it; its emails are queued in the claim's transaction."""
    with database.transaction(write=False) as session:
        due = list(
            session.execute(
                select(col(Mailing.id))
                .where(col(Mailing.status) == SCHEDULED, col(Mailing.send_at) <= utcnow())
                .order_by(col(Mailing.send_at))
            ).scalars()
        )
    sent = 0
    for mailing_id in due:
        with database.transaction() as session:
            claimed = rowcount(
                session.execute(
                    update(Mailing)
                    .where(col(Mailing.id) == mailing_id, col(Mailing.status) == SCHEDULED)
                    .values(status=SENT)
                )
            )
            if not claimed:
                continue
            mailing = session.get_one(Mailing, mailing_id)
            event = session.get_one(Event, mailing.event_id)
            send_mailing(session, event, mailing, recipients(session, event, Audience.model_validate(mailing.audience)))
            sent += 1
    return sent
