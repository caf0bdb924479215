"""The typed catalogue: every message rendered from exactly the props its real callers queue.

Each case below runs the code that sends one message (a registration, an approval, the worker's
reminders...), then renders every outbox row it queued the way the delivery does: the stored
props read back through the message's model, plus the links added at delivery.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from app.accounts.service import create_account, request_password_reset
from app.breakouts.models import AssignmentSource, BreakoutAssignment
from app.breakouts.notices import notify_assigned
from app.breakouts.standing import remind_to_choose
from app.communications.mailing_schemas import Audience
from app.communications.mailings import create_mailing
from app.core.roles import Role
from app.core.types import utcnow
from app.notifications.catalogue import TEMPLATE_DIR, render_stored
from app.notifications.messages import PROPS, Message, RegistrationProps, RejectedProps
from app.notifications.models import OutboxEmail
from app.notifications.outbox import queue_email
from app.notifications.texts import Text
from app.registration.digest import send_approval_digests
from app.registration.housekeeping import expire_unconfirmed, queue_reminders
from app.registration.models import Registration
from app.registration.retention import apply_retention
from app.registration.service import (
    approve_registration,
    cancel_registration,
    promote_registration,
    reject_registration,
)
from app.worker import email_context_links
from tests.breakouts.conftest import add_groups, create_breakout
from tests.factories import add_participant, create_event
from tests.registration.conftest import add_registration, open_event, registration_payload


def _registered(db, **event):
    with db.transaction() as session:
        registration = add_registration(session, open_event(session, **event))
        return registration.id


def _act(db, registration_id: int, action: Callable, **options) -> None:
    with db.transaction() as session:
        action(session, session.get(Registration, registration_id), **options)


def _full_event_with_waiting(db) -> int:
    with db.transaction() as session:
        event = open_event(session, capacity=1)
        add_registration(session, event)
        return add_registration(session, event).id


def confirm_email(db, client, settings):
    _registered(db, email_confirmation=True)


def registered(db, client, settings):
    _registered(db)


def waitlisted(db, client, settings):
    _full_event_with_waiting(db)


def promoted(db, client, settings):
    _act(db, _full_event_with_waiting(db), promote_registration, override_capacity=True)


def approved(db, client, settings):
    _act(db, _registered(db, requires_approval=True), approve_registration)


def rejected(db, client, settings):
    _act(db, _registered(db, requires_approval=True), reject_registration, reason="The room is for members & partners")
    _act(db, _registered(db, requires_approval=True), reject_registration)


def cancelled(db, client, settings):
    _act(db, _registered(db), cancel_registration, by_organiser=True)
    _act(db, _registered(db), cancel_registration, by_organiser=False)


def expired(db, client, settings):
    registration_id = _registered(db, email_confirmation=True)
    with db.transaction() as session:
        session.execute(
            update(Registration)
            .where(Registration.id == registration_id)
            .values(expires_at=utcnow() - timedelta(minutes=1))
        )
    assert expire_unconfirmed(db) == 1


def reminder(db, client, settings):
    starts = utcnow() + timedelta(days=1)
    with db.transaction() as session:
        add_participant(
            session,
            create_event(session, starts_at=starts.isoformat(), ends_at=(starts + timedelta(hours=8)).isoformat()),
        )
    assert queue_reminders(db) == 1


def link_resent(db, client, settings):
    with db.transaction() as session:
        event_id = open_event(session).id
    payload = registration_payload()
    client.post(f"/api/v1/events/{event_id}/registrations", json=payload)
    assert client.post(f"/api/v1/events/{event_id}/registrations", json=payload).status_code == 409


def breakout_assigned(db, client, settings):
    with db.transaction() as session:
        event = open_event(session)
        item = create_breakout(session, event)
        [group] = add_groups(session, item, 10, room="Room 2")
        person = add_participant(session, event, first_name="Zoë")
        session.add(
            BreakoutAssignment(
                registration_id=person.id, session_id=item.id, group_id=group.id, source=AssignmentSource.manual
            )
        )
        session.flush()
        assert notify_assigned(session, event, item) == 1


def breakout_choose(db, client, settings):
    with db.transaction() as session:
        event = open_event(session)
        item = create_breakout(session, event)
        add_groups(session, item, 10, 10)
        add_participant(session, event, first_name="Zoë")
        assert remind_to_choose(session, event, item) == 1


def approval_digest(db, client, settings):
    with db.transaction() as session:
        add_registration(session, open_event(session, requires_approval=True, contact_email="team@agency.example"))
    assert send_approval_digests(db, settings) == 1


def retention_notice(db, client, settings):
    with db.transaction() as session:
        event = open_event(
            session,
            starts_at="2019-03-01T09:00:00+01:00",
            ends_at="2019-03-01T17:00:00+01:00",
            contact_email="team@agency.example",
        )
        add_registration(session, event, by_organiser=True)
    assert apply_retention(db, settings) == 1


def password_reset(db, client, settings):
    with db.transaction() as session:
        create_account(
            session,
            email="ann@agency.example",
            display_name="Ann",
            password="a long passphrase 42",
            role=Role.organiser,
        )
        request_password_reset(session, "ann@agency.example")


def mailing(db, client, settings):
    with db.transaction() as session:
        event = open_event(session)
        add_participant(session, event, first_name="Zoë")
        create_mailing(
            session,
            event,
            Text("News from {{ event.title }}", "Dear {{ participant.first_name }},\n\nNews.\n"),
            Audience(),
            None,
        )


CALLERS = {
    caller.__name__: caller
    for caller in (
        confirm_email,
        registered,
        waitlisted,
        promoted,
        approved,
        rejected,
        cancelled,
        expired,
        reminder,
        link_resent,
        breakout_assigned,
        breakout_choose,
        approval_digest,
        retention_notice,
        password_reset,
        mailing,
    )
}


def test_every_message_has_a_template_and_a_caller_test():
    assert set(CALLERS) == {message.value for message in Message}
    templates = {path.stem for path in [*TEMPLATE_DIR.glob("*.jinja"), *TEMPLATE_DIR.glob("*.md")]} - {"base"}
    assert templates == set(CALLERS) - {"mailing"}  # a mailing's text is written for it, stored in its props


@pytest.mark.parametrize("message", list(Message), ids=lambda message: message.value)
def test_message_renders_from_the_props_its_callers_send(message, db, client, settings):
    CALLERS[message.value](db, client, settings)
    with db.transaction(write=False) as session:
        queued = session.execute(select(OutboxEmail).where(OutboxEmail.template == message.value)).scalars().all()
    assert queued, f"the caller of {message.value} queued nothing"
    for email in queued:
        PROPS[message].model_validate(email.context)  # exactly the model's fields: none missing, none extra
        rendered = render_stored(
            email.template,
            email.context,
            {"base_url": settings.base_url, **email_context_links(settings, email.context)},
        )
        assert rendered.subject and rendered.text.strip() and rendered.html.strip()
        assert "{{" not in rendered.text and "None" not in rendered.text, rendered.text
        if "first_name" in email.context:
            assert email.context["first_name"] in rendered.text and email.context["first_name"] in rendered.html


def test_a_message_is_queued_only_with_its_own_props_model(session):
    props = RegistrationProps(
        registration_id=1,
        first_name="Ada",
        last_name="P",
        status="rejected",
        event_title="T",
        event_when="W",
        event_where="",
    )
    with pytest.raises(TypeError, match="rejected takes RejectedProps"):
        queue_email(session, Message.rejected, to="ada@example.org", props=props)
    queue_email(session, Message.rejected, to="ada@example.org", props=RejectedProps(**props.model_dump(), reason=None))


def test_a_stored_context_its_model_refuses_is_a_render_error():
    with pytest.raises(ValueError, match="first_name"):
        render_stored(
            "registered",
            {
                "registration_id": 1,
                "last_name": "P",
                "status": "confirmed",
                "event_title": "T",
                "event_when": "W",
                "event_where": "",
            },
        )
