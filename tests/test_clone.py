"""Cloning an event as the next workshop: settings, agenda, roles, groups and questions, on new dates."""

from __future__ import annotations

from sqlalchemy import func, select

from app.agenda.models import AgendaSession, SessionRole
from app.breakouts.models import BreakoutGroup
from app.core.roles import Role
from app.core.timezones import in_zone
from app.demo.loader import DEMO_SLUG, load_demo
from app.directory.models import Person
from app.events.models import Event
from app.registration.models import Registration
from app.registration.questions import create_question
from app.registration.schemas import QuestionCreate
from tests.conftest import token_headers
from tests.factories import create_event

NEXT = {"slug": "clusters-workshop-2030", "title": "Clusters workshop 2030", "starts_on": "2030-11-20"}


def _demo(db) -> int:
    with db.transaction() as session:
        event = load_demo(session).event
        create_question(
            session,
            event,
            QuestionCreate(
                key="dietary", label="Dietary requirements", kind="single_choice", options=["none", "vegan"]
            ),
        )
        return event.id


def _count(session, model, *where) -> int:
    return session.execute(select(func.count()).select_from(model).where(*where)).scalar_one()


def _agenda(session, event_id: int) -> list[tuple]:
    """Each session's title, local start and end times, room and roles (person ids), in order."""
    rows = []
    sessions = session.execute(
        select(AgendaSession)
        .where(AgendaSession.event_id == event_id)
        .order_by(AgendaSession.starts_at, AgendaSession.title)
    ).scalars()
    for item in sessions:
        roles = session.execute(
            select(SessionRole.person_id, SessionRole.role)
            .where(SessionRole.session_id == item.id)
            .order_by(SessionRole.position, SessionRole.id)
        ).all()
        groups = (
            session.execute(
                select(BreakoutGroup.title).where(BreakoutGroup.session_id == item.id).order_by(BreakoutGroup.position)
            )
            .scalars()
            .all()
        )
        rows.append(
            (
                item.title,
                in_zone(item.starts_at, "Europe/Brussels").time(),
                in_zone(item.ends_at, "Europe/Brussels").time(),
                item.room,
                list(roles),
                groups,
            )
        )
    return rows


def test_a_clone_is_a_draft_with_the_agenda_on_the_new_dates_and_no_participants(client, db, organiser):
    source_id = _demo(db)
    with db.transaction(write=False) as session:
        people_before = _count(session, Person)
        agenda_before = _agenda(session, source_id)

    response = client.post(f"/api/v1/events/{DEMO_SLUG}/clone", json=NEXT, headers=organiser)

    assert response.status_code == 201, response.text
    clone = response.json()
    assert (clone["slug"], clone["title"], clone["published"]) == (NEXT["slug"], NEXT["title"], False)
    with db.transaction(write=False) as session:
        copy = session.get(Event, clone["id"])
        assert in_zone(copy.starts_at, copy.timezone).date().isoformat() == "2030-11-20"
        # June (summer time) to November: the sessions keep their times at the venue.
        assert _agenda(session, copy.id) == agenda_before
        assert any(roles for *_, roles, _ in agenda_before) and any(groups for *_, groups in agenda_before)
        assert _count(session, Person) == people_before, "the same speakers, not copies of them"
        assert _count(session, Registration, Registration.event_id == copy.id) == 0
        assert (copy.seats_held, copy.waiting_count) == (0, 0)
        assert client.get(f"/api/v1/events/{copy.id}/questions", headers=organiser).json()[0]["key"] == "dietary"
        assert _count(session, Registration, Registration.event_id == source_id) == 32, "the source is untouched"
    assert client.get(f"/events/{NEXT['slug']}").status_code == 404, "a draft has no public page"


def test_a_clone_refuses_a_taken_or_bad_slug_and_writes_nothing(client, db, organiser):
    _demo(db)
    with db.transaction(write=False) as session:
        events, sessions = _count(session, Event), _count(session, AgendaSession)

    taken = client.post(f"/api/v1/events/{DEMO_SLUG}/clone", json={**NEXT, "slug": DEMO_SLUG}, headers=organiser)
    digits = client.post(f"/api/v1/events/{DEMO_SLUG}/clone", json={**NEXT, "slug": "2030"}, headers=organiser)
    no_date = client.post(f"/api/v1/events/{DEMO_SLUG}/clone", json={**NEXT, "starts_on": "soon"}, headers=organiser)

    assert taken.status_code == 409 and "slug" in taken.json()["detail"]
    assert digits.status_code == 422 and no_date.status_code == 422
    with db.transaction(write=False) as session:
        assert (_count(session, Event), _count(session, AgendaSession)) == (events, sessions)


def test_only_an_organiser_of_all_events_may_clone(client, db):
    source_id = _demo(db)
    with db.transaction() as session:
        other_id = create_event(session).id
    for role, event_id in ((Role.checkin, source_id), (Role.organiser, source_id), (Role.organiser, other_id)):
        response = client.post(
            f"/api/v1/events/{source_id}/clone", json=NEXT, headers=token_headers(db, role, event_id)
        )
        assert response.status_code == 403, (role, event_id, response.text)
    assert (
        client.post(f"/api/v1/events/{source_id}/clone", json=NEXT, headers=token_headers(db, Role.admin)).status_code
        == 201
    )
