"""An upcoming follow-up workshop with registration open, so the demo's form can be tried.

The 2018 workshop is long over (its registration closed in June 2018); this second event is dated
from the day the demo is first loaded, and stays as it was created on later runs. Its breakout
session has three working groups with choices open, so someone who registers on the demo's form
can rank them from their own page. The groups are made up, like everything else about this event.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy.orm import Session

from app.agenda.models import SessionKind
from app.agenda.schemas import SessionCreate
from app.agenda.service import create_agenda_session
from app.breakouts.schemas import GroupCreate, SettingsUpdate
from app.breakouts.service import breakout_sessions, create_group, groups_of, update_settings
from app.events.models import Event
from app.events.schemas import EventCreate
from app.events.service import create_event, find_event_by_slug
from app.registration.questions import create_question
from app.registration.schemas import QuestionCreate

UPCOMING_SLUG = "clusters-follow-up-workshop"

AGENDA = [
    ("09:30", "10:00", SessionKind.registration, "Arrival and coffee", "Foyer"),
    ("10:00", "10:15", SessionKind.welcome, "Welcome and aims of the day", "Plenary hall"),
    (
        "10:15",
        "11:00",
        SessionKind.talk,
        "From action plans to funded measures: what changed since Leuven",
        "Plenary hall",
    ),
    ("11:15", "12:30", SessionKind.breakout, "Working groups on monitoring cluster policies", "Breakout rooms"),
    ("12:30", "13:30", SessionKind.lunch, "Lunch", "Foyer"),
    ("13:30", "14:30", SessionKind.panel, "Panel: regions that turned exchange into investment", "Plenary hall"),
    ("14:30", "15:00", SessionKind.wrap_up, "Conclusions and next steps", "Plenary hall"),
]

QUESTIONS = [
    QuestionCreate(
        key="dietary",
        label="Dietary requirements",
        kind="single_choice",
        required=True,
        options=["none", "vegetarian", "vegan", "gluten free", "other"],
    ),
    QuestionCreate(
        key="topics",
        label="Which themes would you like to work on?",
        kind="multiple_choice",
        options=["monitoring and indicators", "SME engagement", "interregional cooperation"],
    ),
    QuestionCreate(key="site_visit", label="Will you join the site visit the day after?", kind="yes_no"),
]


# The breakout "Working groups on monitoring cluster policies": title, room, theme. Three groups of
# twelve seat the event's thirty with room to spare, so most people get their first or second choice.
WORKING_GROUPS = [
    (
        "Result indicators that cluster managers can collect",
        "Room 2.01",
        "Agreeing on a handful of indicators per programme, and gathering them without a new reporting burden.",
    ),
    (
        "What firms gain from cluster services",
        "Room 2.02",
        "Surveys, business registers or follow-up interviews: which evidence convinces a managing authority.",
    ),
    (
        "Following interregional partnerships over time",
        "Room 2.03",
        "Telling a lasting cooperation from a one-off study visit, and tracing joint actions to later investment.",
    ),
]
GROUP_CAPACITY = 12


def _first_weekday_after(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def load_upcoming_demo(session: Session, *, today: date) -> Event:
    """The follow-up workshop, created about two months after ``today`` if it does not exist yet."""
    existing = find_event_by_slug(session, UPCOMING_SLUG)
    if existing is not None:
        # A demo database loaded before the groups existed gets them now; later runs change nothing.
        _open_working_groups(session, existing)
        return existing
    day = _first_weekday_after(today + timedelta(days=60))
    event = create_event(
        session,
        EventCreate(
            slug=UPCOMING_SLUG,
            title="Clusters follow-up workshop: from exchange to investment",
            subtitle="A second meeting of the cluster projects, with working groups assigned from your preferences",
            starts_at=datetime.combine(day, time(9, 30)),
            ends_at=datetime.combine(day, time(15, 0)),
            timezone="Europe/Brussels",
            venue="VAC Dirk Bouts",
            city="Leuven",
            country="BE",
            capacity=30,
            registration_opens_at=datetime.combine(today - timedelta(days=1), time(9, 0)),
            registration_closes_at=datetime.combine(day - timedelta(days=3), time(17, 0)),
            email_confirmation=True,
            topics=["Clusters", "Research and innovation"],
        ),
    )
    for starts, ends, kind, title, room in AGENDA:
        create_agenda_session(
            session,
            event,
            SessionCreate(
                title=title,
                kind=kind,
                room=room,
                starts_at=datetime.combine(day, time.fromisoformat(starts)),
                ends_at=datetime.combine(day, time.fromisoformat(ends)),
            ),
        )
    for question in QUESTIONS:
        create_question(session, event, question)
    _open_working_groups(session, event)
    return event


def _open_working_groups(session: Session, event: Event) -> None:
    """The breakout session's groups, open to ranked choices; nothing if it has groups already."""
    item = next(iter(breakout_sessions(session, event)), None)
    if item is None or groups_of(session, item):
        return
    for title, room, theme in WORKING_GROUPS:
        create_group(session, item, GroupCreate(title=title, theme=theme, room=room, capacity=GROUP_CAPACITY))
    update_settings(session, item, SettingsUpdate(max_preferences=3, preferences_open=True))
