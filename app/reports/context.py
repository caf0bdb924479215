"""The report context: everything a report template may print, gathered read-only in a few queries.

Plain dataclasses (documented in docs/report-context.md). The built-in templates read them as
they are; uploaded templates get the same data as dicts (``as_template_data``) inside the sandbox.
"""

from __future__ import annotations

import base64
import re
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
from app.reports.charts import Slice, caption, describe, pie_svg, slices
from app.reports.models import ReportImage
from app.reports.statistics import UNKNOWN, Statistics, compute_statistics, registration_facts, session_attendance

DEFAULT_COLOUR = "#123c69"
_HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
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
    affiliation: str | None = None  # note and organisation without repeating each other


@dataclass
class Image:
    """An uploaded photo; ``data_uri`` embeds it in HTML (nothing is ever fetched)."""

    caption: str
    content_type: str
    width: int
    height: int
    data_uri: str
    content: bytes = field(repr=False)


@dataclass
class Branding:
    organisation_name: str | None
    programme_name: str | None
    colour: str
    logo_data_uri: str | None
    logo_type: str | None
    logo: bytes | None = field(default=None, repr=False)


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
    images: list[Image] = field(default_factory=list)
    part_id: int | None = None


@dataclass
class PartInfo:
    """A part of the day: its own introduction and key points, then its agenda items' sections."""

    id: int
    title: str
    introduction: str | None
    key_points: list[str]
    items: list[SessionInfo]


@dataclass
class Block:
    """One section of the report body: a part (``kind`` "part") or an item standing alone ("session")."""

    kind: str
    part: PartInfo | None = None
    session: SessionInfo | None = None


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
    caption: str


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
    branding: Branding
    parts: list[PartInfo] = field(default_factory=list)
    introduction_images: list[Image] = field(default_factory=list)
    options: dict = field(default_factory=lambda: {"generated_on": True, "credit": False})
    compact_list_above: int = COMPACT_LIST_ABOVE

    @property
    def sections(self) -> list[SessionInfo]:
        return [item for item in self.sessions if item.has_section]

    @property
    def blocks(self) -> list[Block]:
        """The body in agenda order: each part where its first item falls, other items on their own."""
        by_id = {part.id: part for part in self.parts}
        result, placed = [], set()
        for item in self.sessions:
            if item.part_id is not None:
                if item.part_id not in placed:
                    placed.add(item.part_id)
                    result.append(Block(kind="part", part=by_id[item.part_id]))
            elif item.has_section:
                result.append(Block(kind="session", session=item))
        return result


def _without_bytes(value):
    """asdict's output minus raw bytes (a template prints data URIs, not binary)."""
    if isinstance(value, dict):
        return {key: _without_bytes(item) for key, item in value.items() if not isinstance(item, bytes)}
    if isinstance(value, list):
        return [_without_bytes(item) for item in value]
    return value


def as_template_data(context: ReportContext) -> dict:
    """The context as plain dicts and lists, for the sandbox (no methods, nothing to escape through)."""
    data = _without_bytes(asdict(context))
    data["sections"] = [_without_bytes(asdict(item)) for item in context.sections]
    data["blocks"] = [_without_bytes(asdict(block)) for block in context.blocks]
    return data


def _acronym(text: str) -> str:
    return "".join(word[0] for word in re.findall(r"[A-Za-z]+", text) if word[0].isupper())


def affiliation(organisation: str | None, note: str | None) -> str | None:
    """A person's note and organisation, without saying the same twice: the note ("European Commission")
    first, then the parts of the organisation's name it does not already say ("DG GROW, EC" gives
    "DG GROW": "EC" is the note's acronym)."""
    if not note:
        return organisation
    if not organisation:
        return note
    said = note.casefold()
    rest = [
        chunk
        for chunk in (c.strip() for c in organisation.split(","))
        if chunk and chunk.casefold() not in said and chunk != _acronym(note) and said not in chunk.casefold()
    ]
    return ", ".join([note, *rest])


def date_range_label(first: date, last: date | None = None) -> str:
    """ "20 June 2018", or "8-11 October 2018" for several days."""
    if last is None or last == first:
        return format_date(first, format="long", locale="en_GB")
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day}-{format_date(last, format='long', locale='en_GB')}"
    return f"{format_date(first, format='long', locale='en_GB')} - {format_date(last, format='long', locale='en_GB')}"


def _event_info(event: Event) -> EventInfo:
    starts, ends = in_zone(event.starts_at, event.timezone), in_zone(event.ends_at, event.timezone)
    place = ", ".join(part for part in (event.venue, event.city) if part)
    return EventInfo(
        id=event.id,
        slug=event.slug,
        title=event.title,
        subtitle=event.subtitle,
        date_label=date_range_label(starts.date(), ends.date()),
        time_label=f"{starts:%H:%M}-{ends:%H:%M}",
        venue=event.venue,
        city=event.city,
        country=event.country,
        country_name=country_name(event.country),
        place_label=place,
        timezone=event.timezone,
    )


def _narrative(row) -> Narrative:
    if row is None:
        return Narrative()
    steps = [
        {
            **step,
            "date_label": date_range_label(
                date.fromisoformat(step["date"]), date.fromisoformat(step["end_date"]) if step.get("end_date") else None
            ),
        }
        for step in row.next_steps
    ]
    return Narrative(
        summary=row.summary,
        introduction=row.introduction,
        participation_note=row.participation_note,
        key_messages=list(row.key_messages),
        conclusions=list(row.conclusions),
        next_steps=steps,
        links=list(row.links),
        contacts=list(row.contacts),
    )


def _organisation_type_label(value: str) -> str:
    return OrganisationType(value).label if value != UNKNOWN else "Not given"


def _country_label(code: str) -> str:
    return country_name(code) if code != UNKNOWN else "Not given"


def statistics_charts(stats: Statistics) -> dict[str, Chart]:
    """The pies the report prints (countries, types of organisation), each with its words; the console
    shows the same before a report is generated."""
    specs = {
        "countries": (
            "Participants by country",
            "Where the participants came from",
            ("country", "countries"),
            stats.countries,
            _country_label,
        ),
        "organisation_types": (
            "Participants by type of organisation",
            "The kinds of organisation they represented",
            ("type of organisation", "types of organisation"),
            stats.organisation_types,
            _organisation_type_label,
        ),
    }
    charts = {}
    for key, (title, what, noun, counts, label) in specs.items():
        parts = slices([(label(code), count) for code, count in counts.items()])
        charts[key] = Chart(
            title=title,
            slices=parts,
            svg=pie_svg(title, parts, chart_id=f"chart-{key}"),
            description=describe(title, parts),
            caption=caption(what, noun, parts),
        )
    return charts


def _image(row: ReportImage) -> Image:
    return Image(
        caption=row.caption,
        content_type=row.content_type,
        width=row.width,
        height=row.height,
        data_uri=f"data:{row.content_type};base64,{base64.b64encode(row.content).decode()}",
        content=row.content,
    )


def _branding(row) -> Branding:
    if row is None:
        return Branding(
            organisation_name=None, programme_name=None, colour=DEFAULT_COLOUR, logo_data_uri=None, logo_type=None
        )
    uri = f"data:{row.logo_type};base64,{base64.b64encode(row.logo).decode()}" if row.logo else None
    return Branding(
        organisation_name=row.organisation_name,
        programme_name=row.programme_name,
        colour=row.primary_colour if _HEX_COLOUR.match(row.primary_colour or "") else DEFAULT_COLOUR,
        logo_data_uri=uri,
        logo_type=row.logo_type,
        logo=row.logo,
    )


def _has_section(item, note, groups: dict, images: dict, part_of: dict[int, int]) -> bool:
    """An item gets a section when there is something to say about it beyond Appendix A's line (notes, a
    description, working groups, photos), or when it is a talk, panel... inside a part of the day."""
    said = note is not None or bool(item.description) or item.id in groups or item.id in images
    return said or (item.kind not in LOGISTICS and item.id in part_of)


def _sessions(
    session: Session,
    event: Event,
    attendance: dict[int, int],
    images: dict[int | None, list[Image]],
    part_of: dict[int, int],
) -> list[SessionInfo]:
    agenda = event_agenda(session, event)
    ids = [item.id for item in agenda]
    notes = sources.notes_by_session(session, ids)
    groups: dict[int, list[GroupInfo]] = {}
    for row in sources.breakout_groups(session, ids):
        groups.setdefault(row.session_id, []).append(
            GroupInfo(
                title=row.title,
                theme=row.theme,
                room=row.room,
                facilitator=row.facilitator,
                rapporteur=row.rapporteur,
                notes=row.notes,
                members=row.members,
            )
        )
    result = []
    for item in agenda:
        roles: dict[str, list[PersonRef]] = {kind.value: [] for kind in RoleKind}
        for role in item.roles:
            roles[role.role.value].append(
                PersonRef(
                    name=role.name,
                    organisation=role.organisation,
                    note=role.note,
                    affiliation=affiliation(role.organisation, role.note),
                )
            )
        note = notes.get(item.id)
        result.append(
            SessionInfo(
                id=item.id,
                title=item.title,
                kind=item.kind.value,
                starts=f"{item.starts_at:%H:%M}",
                ends=f"{item.ends_at:%H:%M}",
                room=item.room,
                description=item.description,
                attendance=attendance.get(item.id, 0),
                roles=roles,
                notes=note.notes if note else None,
                key_points=list(note.key_points) if note else [],
                groups=groups.get(item.id, []),
                has_section=_has_section(item, note, groups, images, part_of),
                images=images.get(item.id, []),
                part_id=part_of.get(item.id),
            )
        )
    return result


def _parts(session: Session, event: Event, items: list[SessionInfo]) -> list[PartInfo]:
    parts = [
        PartInfo(id=row.id, title=row.title, introduction=row.introduction, key_points=list(row.key_points), items=[])
        for row in sources.parts_of(session, event.id)
    ]
    by_id = {part.id: part for part in parts}
    for item in items:
        if item.part_id is not None and item.has_section:
            by_id[item.part_id].items.append(item)
    return parts


def build_context(session: Session, event: Event, *, now: datetime | None = None, options=None) -> ReportContext:
    facts = registration_facts(session, event.id)
    attendance = session_attendance(session, event.id)
    stats = compute_statistics(facts, attendance)
    projects = sources.projects_by_id(session, list(stats.representatives_by_project))
    listed = sources.listed_participants(session, event.id, attended=stats.participants_basis == "attended")
    images: dict[int | None, list[Image]] = {}
    for row in sources.images_of(session, event.id):
        images.setdefault(row.session_id, []).append(_image(row))
    sessions = _sessions(
        session, event, {a.id: a.attendance for a in attendance}, images, sources.part_of_sessions(session, event.id)
    )
    return ReportContext(
        event=_event_info(event),
        narrative=_narrative(sources.narrative_of(session, event.id)),
        statistics=stats.as_dict(),
        projects=sorted(
            (
                ProjectInfo(
                    acronym=p.acronym, title=p.title, url=p.url, representatives=stats.representatives_by_project[p.id]
                )
                for p in projects.values()
            ),
            key=lambda p: p.acronym.casefold(),
        ),
        charts=statistics_charts(stats),
        sessions=sessions,
        participants=listed,
        unlisted_participants=stats.participants - len(listed),
        generated_at=format_date((now or utcnow()).date(), format="long", locale="en_GB"),
        branding=_branding(sources.branding_of(session, event.id)),
        parts=_parts(session, event, sessions),
        introduction_images=images.get(None, []),
        options=options.model_dump() if options is not None else {"generated_on": True, "credit": False},
    )
