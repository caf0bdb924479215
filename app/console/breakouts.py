"""Breakouts in the console: an event's breakout sessions, and for one session its working groups
(a table, each editable), the preferences as they stand (how many ranked each group first, second...,
who has not chosen, a reminder by email), the settings (choices open or closed, caps), the
rapporteurs' links and key points.

Every change is the breakouts service's, as in the API (``app/breakouts/router.py``); the proposal,
moves and commit are in ``breakouts_proposal.py``.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import HTMLResponse
from pydantic import ValidationError
from sqlalchemy.orm import Session

from app.agenda.models import AgendaSession
from app.breakouts import service, standing
from app.breakouts.choices import ordinal
from app.breakouts.drafts import get_draft
from app.breakouts.models import BreakoutGroup
from app.breakouts.rapporteurs import rapporteur_url
from app.breakouts.schemas import GroupCreate, GroupUpdate, SettingsUpdate
from app.console.access import ManagedEvent, OrganiserViewer, Viewer
from app.console.screen import FormDep, Screen, ScreenDep, text
from app.core.deps import SessionDep, TransactionRoute
from app.core.errors import AppError
from app.core.fields import parse_count, parse_id
from app.core.pagination import MAX_LIMIT, Window
from app.core.timezones import in_zone
from app.directory.service import list_people
from app.events.models import Event
from app.registration.forms import validation_errors

router = APIRouter(route_class=TransactionRoute, include_in_schema=False)

GROUP_LABELS = {
    "title": "Title",
    "theme": "Theme",
    "room": "Room",
    "capacity": "Capacity",
    "facilitator_person_id": "Facilitator",
    "rapporteur_person_id": "Rapporteur",
}
SETTINGS_LABELS = {
    "max_preferences": "Groups each participant ranks",
    "preferences_open": "Choices open",
    "max_per_country": "Most participants of one country in a group",
    "max_per_organisation": "Most participants of one organisation in a group",
}


def session_base(event: Event, item: AgendaSession) -> str:
    return f"/manage/events/{event.slug}/breakouts/{item.id}"


def managed_breakout(session_id: int, event: ManagedEvent, session: SessionDep) -> AgendaSession:
    """A breakout session of the managed event (404 if not the event's, 422 if not a breakout), as the API's."""
    return service.get_breakout_session(session, event, session_id)


ManagedBreakout = Annotated[AgendaSession, Depends(managed_breakout)]


def managed_group(group_id: int, item: ManagedBreakout, session: SessionDep) -> BreakoutGroup:
    return service.get_group(session, item, group_id)


ManagedGroup = Annotated[BreakoutGroup, Depends(managed_group)]


@router.get("/manage/events/{event_ref}/breakouts", response_class=HTMLResponse)
def breakouts_list(screen: ScreenDep, session: SessionDep, viewer: OrganiserViewer, event: ManagedEvent):
    items = service.breakout_sessions(session, event)
    return screen.render(
        "console/breakouts.html",
        viewer=viewer,
        event=event,
        items=items,
        settings={item.id: service.session_settings(session, item) for item in items},
        groups={item.id: service.groups_of(session, item) for item in items},
        local=lambda moment: in_zone(moment, event.timezone),
    )


def _group_values(group: BreakoutGroup | None) -> dict[str, str]:
    if group is None:
        return {
            "title": "",
            "theme": "",
            "room": "",
            "capacity": "",
            "facilitator_person_id": "",
            "rapporteur_person_id": "",
        }
    return {
        "title": group.title,
        "theme": group.theme or "",
        "room": group.room or "",
        "capacity": str(group.capacity),
        "facilitator_person_id": str(group.facilitator_person_id or ""),
        "rapporteur_person_id": str(group.rapporteur_person_id or ""),
    }


def _settings_values(settings) -> dict[str, Any]:
    return {
        "max_preferences": str(settings.max_preferences),
        "preferences_open": settings.preferences_open,
        "max_per_country": str(settings.max_per_country or ""),
        "max_per_organisation": str(settings.max_per_organisation or ""),
    }


def session_page(
    screen: Screen,
    session: Session,
    viewer: Viewer,
    event: Event,
    item: AgendaSession,
    *,
    editing: BreakoutGroup | None = None,
    group_values: dict | None = None,
    group_errors: dict | None = None,
    settings_values: dict | None = None,
    settings_errors: dict | None = None,
    status: int = 200,
) -> HTMLResponse:
    settings = service.session_settings(session, item)
    groups = service.groups_of(session, item)
    people, _ = list_people(session, Window(limit=MAX_LIMIT), principal=viewer.principal)
    others = [other for other in service.breakout_sessions(session, event) if other.id != item.id]
    return screen.render(
        "console/breakout.html",
        status=status,
        viewer=viewer,
        event=event,
        item=item,
        settings=settings,
        groups=service.read_groups(session, groups),
        counts=standing.rank_counts(session, item),
        ranks=list(range(1, settings.max_preferences + 1)),
        waiting=standing.without_choices(session, event, item),
        draft=get_draft(session, item),
        others=others,
        editing=editing,
        group_values=group_values or _group_values(editing),
        group_errors=group_errors or {},
        group_labels=GROUP_LABELS,
        settings_values=settings_values or _settings_values(settings),
        settings_errors=settings_errors or {},
        settings_labels=SETTINGS_LABELS,
        people=[(str(person.id), f"{person.last_name}, {person.first_name}") for person in people],
        links={group.id: rapporteur_url(screen.settings, event, group) for group in groups},
        base=session_base(event, item),
        local=lambda moment: in_zone(moment, event.timezone),
        ordinal=ordinal,
    )


@router.get("/manage/events/{event_ref}/breakouts/{session_id}", response_class=HTMLResponse)
def breakout_page(
    screen: ScreenDep,
    session: SessionDep,
    viewer: OrganiserViewer,
    event: ManagedEvent,
    item: ManagedBreakout,
    edit: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
):
    editing = service.get_group(session, item, edit) if edit else None
    return session_page(screen, session, viewer, event, item, editing=editing)


# --- groups ----------------------------------------------------------------------------------


def _group_payload(values: dict[str, str], errors: dict[str, str]) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "title": values["title"],
        "theme": values["theme"] or None,
        "room": values["room"] or None,
    }
    capacity = parse_count(values["capacity"])
    if capacity is None:
        errors["capacity"] = "give the number of places, such as 12"
    else:
        payload["capacity"] = capacity
    for name in ("facilitator_person_id", "rapporteur_person_id"):
        payload[name] = parse_id(values[name])
    return payload


def _save_group(
    screen: Screen,
    session: Session,
    viewer: Viewer,
    event: Event,
    item: AgendaSession,
    form,
    group: BreakoutGroup | None,
):
    values = {name: text(form, name) for name in GROUP_LABELS}
    errors: dict[str, str] = {}
    payload = _group_payload(values, errors)
    if not errors:
        try:
            data = (GroupUpdate if group else GroupCreate).model_validate(payload)
        except ValidationError as error:
            errors = validation_errors(error)
        else:
            try:
                with session.begin_nested():
                    if group is not None and isinstance(data, GroupUpdate):
                        saved = service.update_group(session, group, data, principal=viewer.principal)
                    else:
                        assert isinstance(data, GroupCreate)
                        saved = service.create_group(session, item, data, principal=viewer.principal)
            except AppError as error:
                errors[error.field or "title"] = error.detail
            else:
                return screen.redirect(session_base(event, item) + "#groups", f"Saved the group “{saved.title}”.")
    return session_page(
        screen, session, viewer, event, item, editing=group, group_values=values, group_errors=errors, status=422
    )


@router.post("/manage/events/{event_ref}/breakouts/{session_id}/groups", response_class=HTMLResponse)
def add_group(
    screen: ScreenDep,
    session: SessionDep,
    viewer: OrganiserViewer,
    event: ManagedEvent,
    item: ManagedBreakout,
    form: FormDep,
):
    return _save_group(screen, session, viewer, event, item, form, None)


@router.post("/manage/events/{event_ref}/breakouts/{session_id}/groups/{group_id}", response_class=HTMLResponse)
def edit_group(
    screen: ScreenDep,
    session: SessionDep,
    viewer: OrganiserViewer,
    event: ManagedEvent,
    item: ManagedBreakout,
    group: ManagedGroup,
    form: FormDep,
):
    return _save_group(screen, session, viewer, event, item, form, group)


@router.post("/manage/events/{event_ref}/breakouts/{session_id}/groups/{group_id}/delete")
def delete_group(
    screen: ScreenDep,
    session: SessionDep,
    viewer: OrganiserViewer,
    event: ManagedEvent,
    item: ManagedBreakout,
    group: ManagedGroup,
    form: FormDep,
):
    service.delete_group(session, group)
    return screen.redirect(
        session_base(event, item) + "#groups",
        f"Removed the group “{group.title}”; its members and the choices for it are gone with it.",
    )


@router.post("/manage/events/{event_ref}/breakouts/{session_id}/groups/{group_id}/notes")
def save_notes(
    screen: ScreenDep,
    session: SessionDep,
    viewer: OrganiserViewer,
    event: ManagedEvent,
    item: ManagedBreakout,
    group: ManagedGroup,
    form: FormDep,
):
    """The organiser edits the key points a rapporteur wrote (the same field the API and the report use)."""
    notes = str(form.get("report_notes") or "").strip()
    try:
        with session.begin_nested():
            service.update_group(session, group, GroupUpdate(report_notes=notes or None), principal=viewer.principal)
    except (ValidationError, AppError) as error:
        detail = error.detail if isinstance(error, AppError) else "; ".join(validation_errors(error).values())
        return screen.redirect(
            session_base(event, item) + "#key-points",
            f"The key points of “{group.title}” were not saved: {detail}.",
            problem=True,
        )
    return screen.redirect(session_base(event, item) + "#key-points", f"Saved the key points of “{group.title}”.")


# --- settings and preferences ----------------------------------------------------------------


def _cap(value: str, name: str, errors: dict[str, str]) -> int | None:
    if not value:
        return None
    number = parse_count(value)
    if number is None:
        errors[name] = "give a whole number, or leave it empty for no cap"
    return number


@router.post("/manage/events/{event_ref}/breakouts/{session_id}/settings", response_class=HTMLResponse)
def save_settings(
    screen: ScreenDep,
    session: SessionDep,
    viewer: OrganiserViewer,
    event: ManagedEvent,
    item: ManagedBreakout,
    form: FormDep,
):
    values: dict[str, Any] = {name: text(form, name) for name in SETTINGS_LABELS}
    values["preferences_open"] = bool(values["preferences_open"])
    errors: dict[str, str] = {}
    payload: dict[str, Any] = {
        "preferences_open": values["preferences_open"],
        "max_per_country": _cap(values["max_per_country"], "max_per_country", errors),
        "max_per_organisation": _cap(values["max_per_organisation"], "max_per_organisation", errors),
    }
    max_preferences = parse_count(values["max_preferences"])
    if max_preferences is None:
        errors["max_preferences"] = "give a whole number from 1 to 10"
    else:
        payload["max_preferences"] = max_preferences
    if not errors:
        try:
            service.update_settings(session, item, SettingsUpdate.model_validate(payload))
        except ValidationError as error:
            errors = validation_errors(error)
        else:
            state = (
                "open: participants may rank the groups"
                if payload["preferences_open"]
                else "closed: participants' choices are fixed"
            )
            return screen.redirect(session_base(event, item), f"Saved the settings. Choices are {state}.")
    return session_page(
        screen, session, viewer, event, item, settings_values=values, settings_errors=errors, status=422
    )


@router.post("/manage/events/{event_ref}/breakouts/{session_id}/remind")
def remind(
    screen: ScreenDep,
    session: SessionDep,
    viewer: OrganiserViewer,
    event: ManagedEvent,
    item: ManagedBreakout,
    form: FormDep,
):
    back = session_base(event, item) + "#preferences"
    try:
        queued = standing.remind_to_choose(session, event, item)
    except AppError as error:
        return screen.redirect(back, f"No reminder sent: {error.detail}.", problem=True)
    if not queued:
        return screen.redirect(back, "No reminder sent: everyone has chosen, or was reminded today already.")
    return screen.redirect(
        back, f"Emailed a reminder to {queued} participant{'s' if queued != 1 else ''} who had not chosen yet."
    )
