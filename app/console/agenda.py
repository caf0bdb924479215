"""The agenda editor: sessions in time order (parallel ones side by side, as on the public page),
add, edit, delete, with their kind, room and roles. People are picked from those already known
or added by name; the agenda service matches a new name to a known person, so no one is created
twice. A room booked twice at once is accepted with the service's warning, shown on the page."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse
from pydantic import ValidationError
from sqlalchemy.orm import Session

from app.agenda import service
from app.agenda.models import AgendaSession, RoleKind, SessionKind
from app.agenda.schemas import SessionCreate, SessionUpdate
from app.console.access import ManagedEvent, OrganiserViewer, Viewer
from app.console.screen import FormDep, Screen, ScreenDep, text
from app.core.deps import SessionDep, TransactionRoute
from app.core.errors import AppError
from app.core.fields import Id, parse_id
from app.core.pagination import MAX_LIMIT, Window
from app.core.timezones import in_zone
from app.directory.service import list_people
from app.events.models import Event
from app.registration.forms import validation_errors

router = APIRouter(route_class=TransactionRoute, include_in_schema=False)

ROLE_ROWS = 3  # role rows on the form; a session with more roles gets them one save at a time
LABELS = {
    "title": "Title",
    "kind": "Kind",
    "starts_at": "Starts",
    "ends_at": "Ends",
    "room": "Room",
    "description": "Description",
} | {f"roles.{i}": f"Role {i + 1}" for i in range(ROLE_ROWS)}
KIND_LABELS = {kind.value: kind.value.replace("_", " ").capitalize() for kind in SessionKind}
_LOCAL = "%Y-%m-%dT%H:%M"


def _base(event: Event) -> str:
    return f"/manage/events/{event.slug}/agenda"


def _role_values(form, index: int) -> dict[str, str]:
    return {
        name: text(form, f"role_{index}_{name}")
        for name in ("role", "person_id", "first_name", "last_name", "organisation")
    }


def _values(form) -> dict[str, Any]:
    values: dict[str, Any] = {
        name: text(form, name) for name in ("title", "kind", "starts_at", "ends_at", "room", "description")
    }
    values["roles"] = [_role_values(form, index) for index in range(ROLE_ROWS)]
    return values


def _roles(values: dict, errors: dict) -> list[dict]:
    roles = []
    for index, row in enumerate(values["roles"]):
        named = row["first_name"] or row["last_name"]
        if not row["person_id"] and not named:
            continue
        if row["person_id"] and named:
            errors[f"roles.{index}"] = "pick a known person or type a new name, not both"
            continue
        if named and not (row["first_name"] and row["last_name"]):
            errors[f"roles.{index}"] = "give the new person's first and last name"
            continue
        role: dict[str, Any] = {"role": row["role"] or "speaker"}
        if row["person_id"]:
            role["person_id"] = parse_id(row["person_id"]) or -1
        else:
            role["person"] = {
                "first_name": row["first_name"],
                "last_name": row["last_name"],
                "organisation": row["organisation"] or None,
            }
        roles.append(role)
    return roles


def _payload(values: dict, errors: dict) -> dict:
    payload: dict[str, Any] = {
        "title": values["title"],
        "kind": values["kind"] or "other",
        "room": values["room"] or None,
        "description": values["description"] or None,
    }
    for name in ("starts_at", "ends_at"):
        if not values[name]:
            errors[name] = "this field is required"
            continue
        try:
            payload[name] = datetime.strptime(values[name], _LOCAL)
        except ValueError:
            errors[name] = "give a date and time, such as 2030-06-20T09:00"
    payload["roles"] = _roles(values, errors)
    return payload


def _stored_values(event: Event, item: AgendaSession, roles) -> dict[str, Any]:
    values: dict[str, Any] = {
        "title": item.title,
        "kind": item.kind.value,
        "room": item.room or "",
        "description": item.description or "",
        "starts_at": in_zone(item.starts_at, event.timezone).strftime(_LOCAL),
        "ends_at": in_zone(item.ends_at, event.timezone).strftime(_LOCAL),
    }
    rows = [
        {
            "role": role.role.value,
            "person_id": str(role.person_id),
            "first_name": "",
            "last_name": "",
            "organisation": "",
        }
        for role in roles
    ]
    values["roles"] = (
        rows + [{"role": "speaker", "person_id": "", "first_name": "", "last_name": "", "organisation": ""}] * ROLE_ROWS
    )[: max(ROLE_ROWS, len(rows))]
    return values


def _blank(event: Event) -> dict[str, Any]:
    start = in_zone(event.starts_at, event.timezone).strftime(_LOCAL)
    return {
        "title": "",
        "kind": "talk",
        "starts_at": start,
        "ends_at": start,
        "room": "",
        "description": "",
        "roles": [{"role": "speaker", "person_id": "", "first_name": "", "last_name": "", "organisation": ""}]
        * ROLE_ROWS,
    }


def _page(
    screen: Screen,
    session: Session,
    viewer: Viewer,
    event: Event,
    *,
    values: dict,
    errors: dict,
    editing: AgendaSession | None = None,
    status: int = 200,
) -> HTMLResponse:
    people, _ = list_people(session, Window(limit=MAX_LIMIT), principal=viewer.principal)
    agenda = service.event_agenda(session, event)
    return screen.render(
        "console/agenda.html",
        status=status,
        viewer=viewer,
        event=event,
        slots=service.group_by_time(agenda),
        values=values,
        errors=errors,
        editing=editing,
        labels=LABELS,
        base=_base(event),
        kinds=list(KIND_LABELS.items()),
        role_kinds=[(kind.value, kind.value.capitalize()) for kind in RoleKind],
        people=[(str(person.id), f"{person.last_name}, {person.first_name}") for person in people],
        local=lambda moment: in_zone(moment, event.timezone),
    )


@router.get("/manage/events/{event_ref}/agenda", response_class=HTMLResponse)
def agenda_page(screen: ScreenDep, session: SessionDep, viewer: OrganiserViewer, event: ManagedEvent):
    return _page(screen, session, viewer, event, values=_blank(event), errors={})


def _save(screen: Screen, session: Session, viewer: Viewer, event: Event, form, item: AgendaSession | None):
    values = _values(form)
    errors: dict[str, str] = {}
    payload = _payload(values, errors)
    if not errors:
        try:
            data = (SessionUpdate if item else SessionCreate).model_validate(payload)
        except ValidationError as error:
            errors = validation_errors(error)
        else:
            try:
                with session.begin_nested():
                    if item is not None and isinstance(data, SessionUpdate):
                        written = service.update_agenda_session(session, event, item, data, principal=viewer.principal)
                    else:
                        assert isinstance(data, SessionCreate)
                        written = service.create_agenda_session(session, event, data, principal=viewer.principal)
            except AppError as error:
                errors[error.field or "title"] = error.detail
            else:
                warnings = service.read_sessions(session, event, [written.item])[0].warnings
                message = f"Saved “{written.item.title}”." + (" Note: " + "; ".join(warnings) + "." if warnings else "")
                return screen.redirect(_base(event), message, problem=bool(warnings))
    return _page(screen, session, viewer, event, values=values, errors=errors, editing=item, status=422)


@router.post("/manage/events/{event_ref}/agenda", response_class=HTMLResponse)
def add_session(screen: ScreenDep, session: SessionDep, viewer: OrganiserViewer, event: ManagedEvent, form: FormDep):
    return _save(screen, session, viewer, event, form, None)


@router.get("/manage/events/{event_ref}/agenda/{session_id}", response_class=HTMLResponse)
def edit_session_page(
    session_id: Id, screen: ScreenDep, session: SessionDep, viewer: OrganiserViewer, event: ManagedEvent
):
    item = service.get_agenda_session(session, event, session_id)
    roles = service.roles_by_session(session, [item.id]).get(item.id, [])
    return _page(screen, session, viewer, event, values=_stored_values(event, item, roles), errors={}, editing=item)


@router.post("/manage/events/{event_ref}/agenda/{session_id}", response_class=HTMLResponse)
def edit_session(
    session_id: Id, screen: ScreenDep, session: SessionDep, viewer: OrganiserViewer, event: ManagedEvent, form: FormDep
):
    return _save(screen, session, viewer, event, form, service.get_agenda_session(session, event, session_id))


@router.post("/manage/events/{event_ref}/agenda/{session_id}/delete")
def delete_agenda_session(
    session_id: Id, screen: ScreenDep, session: SessionDep, viewer: OrganiserViewer, event: ManagedEvent, form: FormDep
):
    item = service.get_agenda_session(session, event, session_id)
    service.delete_agenda_session(session, item)
    return screen.redirect(_base(event), f"Deleted “{item.title}” from the agenda.")
