"""The event's seat and waiting-list counters equal the counts after every workflow transition,
and ``convene check`` says where they do not."""

from __future__ import annotations

from datetime import timedelta

import pytest
from psycopg import _queries
from sqlalchemy import func, select, update
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm.attributes import set_committed_value
from typer.testing import CliRunner

from app.cli import app
from app.core.config import get_settings
from app.core.types import utcnow
from app.events.models import Event
from app.notifications.models import OutboxEmail
from app.registration import admission, capacity, service
from app.registration.history import Change, RegistrationChange
from app.registration.housekeeping import expire_unconfirmed
from app.registration.models import SEAT_STATUSES, Registration
from app.registration.models import RegistrationStatus as S
from app.registration.privacy import erase_registration
from app.registration.schemas import RegistrationCreate
from app.registration.workflow import TRANSITIONS, Action, InvalidTransition
from tests.registration.conftest import add_registration, open_event, registration_payload


def assert_counters_are_counts(session, event: Event) -> None:
    statuses = list(session.execute(select(Registration.status).where(Registration.event_id == event.id)).scalars())
    ranks = session.execute(
        select(func.max(Registration.waitlist_rank)).where(Registration.event_id == event.id)
    ).scalar()
    held, waiting, last_rank = session.execute(
        select(Event.seats_held, Event.waiting_count, Event.last_waitlist_rank).where(Event.id == event.id)
    ).one()
    assert held == sum(status in SEAT_STATUSES for status in statuses)
    assert waiting == statuses.count(S.waitlisted)
    assert last_rank >= (ranks or 0)
    assert capacity.differences(session) == []


def _in_status(session, status: S) -> tuple[Event, Registration]:
    """A registration brought to ``status`` through the services, on an event with one seat taken
    by someone else and one person waiting behind it (so leaving and promoting move the line)."""
    event = open_event(
        session,
        capacity=2,
        email_confirmation=status is S.pending_confirmation,
        requires_approval=status is S.pending_approval,
    )
    add_registration(session, event)
    if status is S.waitlisted:
        add_registration(session, event)
    registration = add_registration(session, event)
    add_registration(session, event)  # waits
    assert registration.status is status
    return event, registration


def _apply(session, registration: Registration, action: Action) -> None:
    match action:
        case Action.confirm_email:
            service.confirm_email(session, registration)
        case Action.approve:
            service.approve_registration(session, registration)
        case Action.reject:
            service.reject_registration(session, registration)
        case Action.cancel:
            service.cancel_registration(session, registration, by_organiser=False)
        case Action.expire:
            service.expire_registration(session, registration)
        case Action.promote:
            service.promote_registration(session, registration, override_capacity=True)


@pytest.mark.parametrize(("status", "action"), sorted(TRANSITIONS, key=str), ids=lambda value: value.value)
def test_every_transition_keeps_the_counters_equal_to_the_counts(session, status, action):
    event, registration = _in_status(session, status)
    assert_counters_are_counts(session, event)
    _apply(session, registration, action)
    assert registration.status is not None
    assert_counters_are_counts(session, event)


def test_a_cancel_committed_meanwhile_is_seen_under_the_lock(session):
    """A copy of the registration read before someone else cancelled it (a second click, another
    organiser) must not free its seat a second time: the service reads it again under the lock."""
    event, registration = _in_status(session, S.confirmed)
    service.cancel_registration(session, registration, by_organiser=True)
    set_committed_value(registration, "status", S.confirmed)  # what a stale copy would say
    with pytest.raises(InvalidTransition):
        service.cancel_registration(session, registration, by_organiser=True)
    assert registration.status is S.cancelled
    assert_counters_are_counts(session, event)


def test_capacity_changes_overrides_duplicates_erasure_and_imports(session):
    event = open_event(session, capacity=3)
    people = [add_registration(session, event) for _ in range(6)]
    assert [p.status for p in people].count(S.waitlisted) == 3
    assert_counters_are_counts(session, event)
    event.capacity = 5  # two seats more: the next registration seats the first two waiting first
    newcomer = add_registration(session, event)
    assert (newcomer.status, event.seats_held, event.waiting_count) == (S.waitlisted, 5, 2)
    assert_counters_are_counts(session, event)
    forced = add_registration(session, event, by_organiser=True, override_capacity=True)
    assert (forced.status, event.seats_held) == (S.confirmed, 6)
    assert_counters_are_counts(session, event)
    with pytest.raises(service.AlreadyRegistered):
        service.register(session, event, RegistrationCreate(**registration_payload(email=people[0].email.upper())))
    assert_counters_are_counts(session, event)
    erase_registration(session, people[1], by_organiser=True)  # cancels first: a seat held over capacity
    assert (event.seats_held, event.waiting_count) == (5, 2)
    assert_counters_are_counts(session, event)
    service.add_confirmed_registration(
        session,
        event,
        first_name="Imported",
        last_name="Person",
        email="imported@example.org",
        organisation_id=None,
        country="BE",
        project_id=None,
    )
    assert event.seats_held == 6
    assert_counters_are_counts(session, event)


def test_the_expiry_job_frees_seats_and_counts_them(db):
    with db.transaction() as session:
        event = open_event(session, capacity=1, email_confirmation=True)
        lapsing = add_registration(session, event)
        waiting = add_registration(session, event)
        session.execute(
            update(Registration).where(Registration.id == lapsing.id).values(expires_at=utcnow() - timedelta(1))
        )
    assert expire_unconfirmed(db) == 1
    with db.transaction() as session:
        assert session.get(Registration, waiting.id).status is S.pending_confirmation
        assert_counters_are_counts(session, session.get(Event, event.id))


runner = CliRunner()


@pytest.fixture
def cli_database(db, backend_url, monkeypatch):
    monkeypatch.setenv("CONVENE_DATABASE_URL", backend_url)
    get_settings.cache_clear()
    yield db
    get_settings.cache_clear()


def test_convene_check_says_what_differs_and_repairs_counters(cli_database):
    with cli_database.transaction() as session:
        event = open_event(session, capacity=2, slug="counted-workshop")
        for _ in range(3):
            add_registration(session, event)
    result = runner.invoke(app, ["check"])
    assert result.exit_code == 0, result.output
    assert "agree" in result.output

    with cli_database.transaction() as session:  # a repair by hand that forgot the counters
        session.execute(update(Event).where(Event.id == event.id).values(seats_held=7, last_waitlist_rank=0))
    result = runner.invoke(app, ["check"])
    assert result.exit_code == 1
    assert (
        f"event {event.id} (counted-workshop): seats held: counter 7, registrations holding a seat 2" in result.output
    )
    assert "last waiting-list rank given out: counter 0, highest rank held 1" in result.output

    result = runner.invoke(app, ["check", "--repair"])
    assert result.exit_code == 0, result.output
    assert "counters set to the counts on 1 event(s); 0 difference(s) left" in result.output
    assert runner.invoke(app, ["check"]).exit_code == 0


def test_convene_check_finds_a_broken_waiting_list(cli_database):
    with cli_database.transaction() as session:
        event = open_event(session, capacity=1, slug="broken-line")
        add_registration(session, event)
        first, second = add_registration(session, event), add_registration(session, event)
        session.execute(
            update(Registration).where(Registration.id == second.id).values(waitlist_rank=first.waitlist_rank)
        )
    result = runner.invoke(app, ["check", "--repair"])
    assert result.exit_code == 1
    assert "1 waiting-list rank(s) given to more than one registration" in result.output


def test_admission_stores_the_row_and_its_email_and_nothing_else(session):
    """On PostgreSQL one statement counts, inserts and queues; on SQLite steps do. Same result:
    the row and the email as the services would write them, and the event untouched but its counters."""
    event = open_event(session, capacity=1, email_confirmation=True, country="BE")
    before = session.execute(select(Event.__table__).where(Event.id == event.id)).one()._asdict()
    seated = add_registration(session, event, country="FR")
    waiting = service.register(session, event, RegistrationCreate(**registration_payload(answers={})))
    session.expire_all()
    after = session.execute(select(Event.__table__).where(Event.id == event.id)).one()._asdict()
    assert {key: value for key, value in after.items() if before[key] != value} == {
        "seats_held": 1,
        "waiting_count": 1,
        "last_waitlist_rank": 1,
    }
    stored = session.get(Registration, seated.id)
    assert (stored.status, stored.country, stored.waitlist_rank, stored.expires_at is not None) == (
        S.pending_confirmation,
        "FR",
        None,
        True,
    )
    assert session.get(Registration, waiting.registration.id).waitlist_rank == 1
    emails = session.execute(
        select(OutboxEmail.template, OutboxEmail.to_address, OutboxEmail.context).order_by(OutboxEmail.id)
    ).all()
    assert [
        (template, to, context["registration_id"], context["status"], context["waitlist_position"])
        for template, to, context in emails
    ] == [
        ("confirm_email", seated.email, seated.id, "pending_confirmation", None),
        ("waitlisted", waiting.registration.email, waiting.registration.id, "waitlisted", 1),
    ]
    assert emails[0].context["event_title"] == event.title and emails[0].context["first_name"] == "Ada"
    history = session.execute(
        select(RegistrationChange.registration_id, RegistrationChange.action, RegistrationChange.status)
        .where(RegistrationChange.by.is_(None))
        .order_by(RegistrationChange.id)
    ).all()
    assert [tuple(row) for row in history] == [
        (seated.id, Change.registered, "pending_confirmation"),
        (waiting.registration.id, Change.registered, "waitlisted"),
    ]


def test_the_one_statement_admission_fits_psycopgs_statement_cache():
    """psycopg converts a statement's placeholders once and caches it only under 4096 characters and
    50 parameters; above, every registration pays the conversion again, holding the event's lock."""
    compiled = admission._one_statement().compile(dialect=postgresql.psycopg.dialect())
    assert len(str(compiled)) <= _queries.MAX_CACHED_STATEMENT_LENGTH
    assert len(compiled.params) <= _queries.MAX_CACHED_STATEMENT_PARAMS
