"""The demo's afternoon breakout: three working groups, sample preferences, a committed assignment.

The titles and facilitators are those of the 2018 workshop; the themes and rooms are made up, and so
are the preferences: dealt in turn from a few rankings, so every run assigns the same groups.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlmodel import col

from app.agenda.models import AgendaSession, SessionKind
from app.breakouts.placement import solve_and_save_assignment
from app.breakouts.schemas import AssignmentRead, AssignmentRequest, GroupCreate, SettingsUpdate
from app.breakouts.service import create_group, groups_of, set_preferences, update_settings
from app.events.models import Event
from app.registration.models import Registration, RegistrationStatus

WORKING_GROUPS = [
    (
        "Clusters as drivers of innovation and technology transfer",
        "Marc",
        "Pattinson",
        "Room A",
        "How cluster organisations carry research results into companies and which support works.",
    ),
    (
        "Clusters supporting interregional cooperation",
        "Carl Arvid",
        "Dahlöf",
        "Room B",
        "Partnering clusters across regions and borders: what makes it last beyond a project.",
    ),
    (
        "Clusters supporting and engaging SMEs",
        "Luc",
        "Schmerber",
        "Room C",
        "Reaching small firms, keeping them involved, and measuring what they gain.",
    ),
]
CAPACITY = 12
# Orders of the three groups, dealt to participants in turn: WG1 is most people's first choice,
# more than its 12 places can hold, so the solver has to weigh second choices.
RANKINGS = [(0, 1, 2), (0, 2, 1), (1, 0, 2), (0, 2, 1), (2, 0, 1)]


def load_breakouts_demo(session: Session, event: Event) -> AssignmentRead | None:
    """Groups, settings and preferences for the event's breakout session, then a saved assignment
    (no emails: the demo's addresses are made up). Does nothing if the session already has groups."""
    item = (
        session.execute(
            select(AgendaSession)
            .where(col(AgendaSession.event_id) == event.id, col(AgendaSession.kind) == SessionKind.breakout)
            .order_by(col(AgendaSession.starts_at))
        )
        .scalars()
        .first()
    )
    if item is None or groups_of(session, item):
        return None
    registrations = list(
        session.execute(
            select(Registration)
            .where(col(Registration.event_id) == event.id, col(Registration.status) == RegistrationStatus.confirmed)
            .order_by(col(Registration.id))
        ).scalars()
    )
    person_of = {(r.first_name, r.last_name): r.person_id for r in registrations}
    groups = [
        create_group(
            session,
            item,
            GroupCreate(
                title=title,
                theme=theme,
                room=room,
                capacity=CAPACITY,
                facilitator_person_id=person_of.get((first, last)),
                rapporteur_person_id=person_of.get((first, last)),
            ),
        )
        for title, first, last, room, theme in WORKING_GROUPS
    ]
    update_settings(session, item, SettingsUpdate(max_preferences=3, max_per_country=4, max_per_organisation=2))
    facilitated = {group.facilitator_person_id: group.id for group in groups if group.facilitator_person_id}
    for turn, registration in enumerate(registrations):
        if registration.person_id in facilitated:  # a facilitator wants their own group
            choices = [facilitated[registration.person_id]]
        else:
            choices = [groups[index].id for index in RANKINGS[turn % len(RANKINGS)]]
        set_preferences(session, item, registration, choices, by_participant=False)
    return solve_and_save_assignment(session, event, item, AssignmentRequest(dry_run=False, notify=False))
