"""The report context: everything a report template may print, gathered read-only in a few queries.

Plain dataclasses (documented in docs/report-context.md). The built-in templates read them as
they are; uploaded templates get the same data as dicts (``as_template_data``) inside the sandbox.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime

from babel.dates import format_date
from sqlalchemy.orm import Session

from app.agenda.models import RoleKind, SessionKind
from app.agenda.service import event_agenda
from app.core.countries import country_name
from app.core.timezones import in_zone
from app.core.types import utcnow
from app.directory.models import OrganisationType
from app.events.models import Event
from app.reports import sources
from app.reports.charts import Slice, describe, pie_svg, slices
from app.reports.statistics import UNKNOWN, Statistics, compute_statistics, registration_facts, session_attendance

# Logistics items appear in the agenda (Appendix A) but get no section of their own unless noted.
LOGISTICS = {SessionKind.registration, SessionKind.break_, SessionKind.lunch, SessionKind.networking}
# Above this many listed participants, Appendix B is printed as lines rather than a table (PDF speed).
COMPACT_LIST_ABOVE = 1000


@dataclass
class EventInfo:
    id: int
    slug: str
    title: str
    subtitle: str | None
    date_label: str
    time_label: str
    venue: str | None
    city: str | None
    country: str | None
    country_name: str
    place_label: str
    timezone: str


@dataclass
class PersonRef:
    name: str
    organisation: str | None
    note: str | None


@dataclass
class GroupInfo:
    title: str
    theme: str | None
    room: str | None
    facilitator: str | None
    rapporteur: str | None
    notes: str | None
    members: int


@dataclass
class SessionInfo:
    id: int
    title: str
    kind: str
    starts: str
    ends: str
    room: str | None
    description: str | None
    attendance: int
    roles: dict[str, list[PersonRef]]
    notes: str | None
    key_points: list[str]
    groups: list[GroupInfo]
    has_section: bool


@dataclass
class ProjectInfo:
    acronym: str
    title: str
    url: str | None
    representatives: int


@dataclass
class Chart:
    title: str
    slices: list[Slice]
    svg: str
    description: str


@dataclass
class Narrative:
    summary: str | None = None
    introduction: str | None = None
    participation_note: str | None = None
    key_messages: list[str] = field(default_factory=list)
    conclusions: list[dict] = field(default_factory=list)
    next_steps: list[dict] = field(default_factory=list)
    links: list[dict] = field(default_factory=list)
    contacts: list[dict] = field(default_factory=list)


@dataclass
class ReportContext:
    event: EventInfo
    narrative: Narrative
    statistics: dict
    projects: list[ProjectInfo]
    charts: dict[str, Chart]
    sessions: list[SessionInfo]
    participants: list[sources.ListedParticipant]
    unlisted_participants: int
    generated_at: str
    compact_list_above: int = COMPACT_LIST_ABOVE

    @property
    def sections(self) -> list[SessionInfo]:
        return [item for item in self.sessions if item.has_section]


def as_template_data(context: ReportContext) -> dict:
    """The context as plain dicts and lists, for the sandbox (no methods, nothing to escape through)."""
    data = asdict(context)
    data["sections"] = [asdict(item) for item in context.sections]
    return data


def date_range_label(first: date, last: date | None = None) -> str:
    """"20 June 2018", or "8-11 October 2018" for several days."""
    if last is None or last == first:
        return format_date(first, format="long", locale="en_GB")
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day}-{format_date(last, format='long', locale='en_GB')}"
    return f"{format_date(first, format='long', locale='en_GB')} - {format_date(last, format='long', locale='en_GB')}"


def _event_info(event: Event) -> EventInfo:
    starts, ends = in_zone(event.starts_at, event.timezone), in_zone(event.ends_at, event.timezone)
    place = ", ".join(part for part in (event.venue, event.city) if part)
    return EventInfo(
        id=event.id, slug=event.slug, title=event.title, subtitle=event.subtitle,
        date_label=date_range_label(starts.date(), ends.date()), time_label=f"{starts:%H:%M}-{ends:%H:%M}",
        venue=event.venue, city=event.city, country=event.country, country_name=country_name(event.country),
        place_label=place, timezone=event.timezone,
    )


def _narrative(row) -> Narrative:
    if row is None:
        return Narrative()
    steps = [
        {**step, "date_label": date_range_label(date.fromisoformat(step["date"]),
                                                date.fromisoformat(step["end_date"]) if step.get("end_date") else None)}
        for step in row.next_steps
    ]
    return Narrative(
        summary=row.summary, introduction=row.introduction, participation_note=row.participation_note,
        key_messages=list(row.key_messages), conclusions=list(row.conclusions), next_steps=steps,
        links=list(row.links), contacts=list(row.contacts),
    )


def _organisation_type_label(value: str) -> str:
    return OrganisationType(value).label if value != UNKNOWN else "Not given"


def _charts(stats: Statistics) -> dict[str, Chart]:
    specs = {
        "countries": ("Participants by country", stats.countries, lambda code: country_name(code) if code != UNKNOWN else "Not given"),
        "organisation_types": ("Participants by type of organisation", stats.organisation_types, _organisation_type_label),
    }
    charts = {}
    for key, (title, counts, label) in specs.items():
        parts = slices([(label(code), count) for code, count in counts.items()])
        charts[key] = Chart(title=title, slices=parts, svg=pie_svg(title, parts, chart_id=f"chart-{key}"),
                            description=describe(title, parts))
    return charts


def _sessions(session: Session, event: Event, attendance: dict[int, int]) -> list[SessionInfo]:
    agenda = event_agenda(session, event)
    ids = [item.id for item in agenda]
    notes = sources.notes_by_session(session, ids)
    groups: dict[int, list[GroupInfo]] = {}
    for row in sources.breakout_groups(session, ids):
        groups.setdefault(row.session_id, []).append(GroupInfo(
            title=row.title, theme=row.theme, room=row.room, facilitator=row.facilitator,
            rapporteur=row.rapporteur, notes=row.notes, members=row.members,
        ))
    result = []
    for item in agenda:
        roles: dict[str, list[PersonRef]] = {kind.value: [] for kind in RoleKind}
        for role in item.roles:
            roles[role.role.value].append(PersonRef(name=role.name, organisation=role.organisation, note=role.note))
        note = notes.get(item.id)
        result.append(SessionInfo(
            id=item.id, title=item.title, kind=item.kind.value, starts=f"{item.starts_at:%H:%M}",
            ends=f"{item.ends_at:%H:%M}", room=item.room, description=item.description,
            attendance=attendance.get(item.id, 0), roles=roles,
            notes=note.notes if note else None, key_points=list(note.key_points) if note else [],
            groups=groups.get(item.id, []),
            has_section=item.kind not in LOGISTICS or note is not None,
        ))
    return result


def build_context(session: Session, event: Event, *, now: datetime | None = None) -> ReportContext:
    facts = registration_facts(session, event.id)
    attendance = session_attendance(session, event.id)
    stats = compute_statistics(facts, attendance)
    projects = sources.projects_by_id(session, list(stats.representatives_by_project))
    listed = sources.listed_participants(session, event.id, attended=stats.participants_basis == "attended")
    return ReportContext(
        event=_event_info(event),
        narrative=_narrative(sources.narrative_of(session, event.id)),
        statistics=stats.as_dict(),
        projects=sorted(
            (ProjectInfo(acronym=p.acronym, title=p.title, url=p.url, representatives=stats.representatives_by_project[p.id])
             for p in projects.values()),
            key=lambda p: p.acronym.casefold(),
        ),
        charts=_charts(stats),
        sessions=_sessions(session, event, {a.id: a.attendance for a in attendance}),
        participants=listed,
        unlisted_participants=stats.participants - len(listed),
        generated_at=format_date((now or utcnow()).date(), format="long", locale="en_GB"),
    )
