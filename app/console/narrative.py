"""The narrative editor: what the organisers write for the report (summary, introduction, key
messages, conclusions by theme, dated next steps, links, contacts) and each session's notes and key
points, in the agenda's order. Each part is its own form, saved with the narrative's PATCH service,
so saving one part never erases another. Every Markdown part has a preview beside it, rendered on the
server by the report's own Markdown renderer: **Preview** shows what was typed without saving it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import ValidationError
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from app.agenda.service import event_agenda
from app.console.access import ManagedEvent, OrganiserViewer, Viewer
from app.console.screen import FormDep, Screen, ScreenDep, text
from app.core.deps import SessionDep, TransactionRoute
from app.core.errors import AppError, NotFound
from app.core.timezones import in_zone
from app.events.models import Event
from app.registration.forms import validation_errors
from app.reports import service
from app.reports.markdown import inline_html, to_html
from app.reports.schemas import NarrativeRead, NarrativeUpdate, SessionNoteUpdate

router = APIRouter(route_class=TransactionRoute, include_in_schema=False)

BLANK_ROWS = 2  # empty rows under a list's entries, to add to it (a save with more adds two more)
TEXT_PARTS = {"summary": "Summary", "introduction": "Introduction", "participation_note": "Note beside the charts"}
ROWS = {
    "conclusions": ("theme", "points"),
    "next_steps": ("date", "end_date", "title", "description", "url"),
    "links": ("title", "url"),
    "contacts": ("name", "email", "role"),
}
PART_NAMES = {
    **TEXT_PARTS,
    "key_messages": "Key messages",
    "conclusions": "Conclusions",
    "next_steps": "Next steps",
    "links": "Further links",
    "contacts": "Contacts",
}


def _base(event: Event) -> str:
    return f"/manage/events/{event.slug}/narrative"


def _lines(value: str) -> list[str]:
    return [line.strip() for line in value.splitlines() if line.strip()]


# --- the form's values: from the stored narrative, or as posted ------------------------------------


def _stored_rows(part: str, items: list) -> list[dict[str, str]]:
    rows = []
    for item in items:
        row = {
            name: "" if getattr(item, name) is None else str(getattr(item, name))
            for name in ROWS[part]
            if name != "points"
        }
        if part == "conclusions":
            row["points"] = "\n".join(item.points)
        rows.append(row)
    return rows


def stored_values(narrative: NarrativeRead) -> dict[str, Any]:
    values: dict[str, Any] = {name: getattr(narrative, name) or "" for name in TEXT_PARTS}
    values["key_messages"] = "\n".join(narrative.key_messages)
    for part in ROWS:
        values[part] = _stored_rows(part, getattr(narrative, part))
    return values


def _posted_rows(part: str, form: FormData) -> list[dict[str, str]]:
    rows, index = [], 0
    while any(f"{part}.{index}.{name}" in form for name in ROWS[part]):
        rows.append({name: str(form.get(f"{part}.{index}.{name}") or "").strip() for name in ROWS[part]})
        index += 1
    return rows


def _filled(row: dict[str, str]) -> bool:
    return any(row.values())


def _parsed(part: str, value: Any) -> Any:
    """The posted part in the shape NarrativeUpdate takes (empty rows left out, empty fields null)."""
    if part in TEXT_PARTS:
        return value or None
    if part == "key_messages":
        return _lines(value)
    items = []
    for row in value:
        if not _filled(row):
            continue
        item = {name: (row[name] or None) for name in ROWS[part]}
        if part == "conclusions":
            item["points"] = _lines(row["points"])
        items.append(item)
    return items


def _with_blank_rows(values: dict[str, Any]) -> dict[str, Any]:
    shown = dict(values)
    for part, names in ROWS.items():
        kept = [row for row in values[part] if _filled(row)]
        shown[part] = kept + [dict.fromkeys(names, "") for _ in range(BLANK_ROWS)]
    return shown


# --- previews: the report's Markdown renderer ------------------------------------------------------


def _preview_lines(value: str) -> str:
    return "".join(f"<li>{inline_html(line)}</li>" for line in _lines(value))


def preview(part: str, value: Any) -> str:
    """The part as the report prints its Markdown (sanitised HTML), or "" when there is nothing."""
    if part in TEXT_PARTS:
        return str(to_html(value))
    if part == "key_messages":
        items = _preview_lines(value)
        return f"<ul>{items}</ul>" if items else ""
    if part == "conclusions":
        return "".join(
            f"<h4>{inline_html(row['theme'])}</h4><ul>{_preview_lines(row['points'])}</ul>"
            for row in value
            if _filled(row)
        )
    if part == "next_steps":
        return "".join(
            f"<h4>{inline_html(row['date'])} {inline_html(row['title'])}</h4>{to_html(row['description'])}"
            for row in value
            if _filled(row)
        )
    return ""


# --- the page ---------------------------------------------------------------------------------------


def _sessions(session: Session, event: Event, posted: dict[int, dict[str, str]]) -> list[dict[str, Any]]:
    """Every agenda item in the agenda's order, with its notes (as stored, or as just posted)."""
    items = []
    for item in event_agenda(session, event):
        note = service.read_session_note(session, event, item.id)
        values = posted.get(item.id) or {"notes": note.notes or "", "key_points": "\n".join(note.key_points)}
        items.append(
            {
                "item": item,
                "values": values,
                "preview": str(to_html(values["notes"]))
                + (f"<ul>{_preview_lines(values['key_points'])}</ul>" if _lines(values["key_points"]) else ""),
            }
        )
    return items


def _page(
    screen: Screen,
    session: Session,
    viewer: Viewer,
    event: Event,
    *,
    values: dict | None = None,
    errors: dict | None = None,
    posted_session: dict[int, dict[str, str]] | None = None,
    status: int = 200,
) -> HTMLResponse:
    values = _with_blank_rows(values or stored_values(service.read_narrative(session, event)))
    previews = {part: preview(part, values[part]) for part in PART_NAMES}
    return screen.render(
        "console/narrative.html",
        status=status,
        viewer=viewer,
        event=event,
        values=values,
        errors=errors or {},
        previews=previews,
        sessions=_sessions(session, event, posted_session or {}),
        base=_base(event),
        text_parts=TEXT_PARTS,
        names=PART_NAMES,
        local=lambda moment: in_zone(moment, event.timezone),
    )


@router.get("/manage/events/{event_ref}/narrative", response_class=HTMLResponse)
def narrative_page(screen: ScreenDep, session: SessionDep, viewer: OrganiserViewer, event: ManagedEvent):
    return _page(screen, session, viewer, event)


def _readable(location: str) -> str:
    """``next_steps.1.end_date`` -> "row 2, end date": where, in the words of the form."""
    parts = location.split(".")[1:]
    return ", ".join(f"row {int(part) + 1}" if part.isdigit() else part.replace("_", " ") for part in parts)


def _save_or_preview(
    screen: Screen,
    session: Session,
    viewer: Viewer,
    event: Event,
    form: FormData,
    *,
    values: dict | None,
    save: Callable[[], str],
    anchor: str,
    posted_session=None,
) -> HTMLResponse | RedirectResponse:
    """Preview: the page again, showing what was typed, unsaved. Save: the PATCH service, then back to
    the part; refused, the page again with the typed text and the errors in the part's section."""
    if form.get("action") == "preview":
        return _page(screen, session, viewer, event, values=values, posted_session=posted_session)
    try:
        with session.begin_nested():
            return screen.redirect(f"{_base(event)}#{anchor}", save())
    except ValidationError as error:
        found = validation_errors(error, depth=3)
    except AppError as error:
        found = {error.field or "": error.detail}
    messages = [
        f"{_readable(where).capitalize()}: {message}" if _readable(where) else message[:1].upper() + message[1:]
        for where, message in found.items()
    ]
    return _page(
        screen,
        session,
        viewer,
        event,
        values=values,
        errors={anchor: messages},
        posted_session=posted_session,
        status=422,
    )


@router.post("/manage/events/{event_ref}/narrative/{part}", response_class=HTMLResponse)
def save_part(
    part: str, screen: ScreenDep, session: SessionDep, viewer: OrganiserViewer, event: ManagedEvent, form: FormDep
):
    if part not in PART_NAMES:
        raise NotFound(f"the narrative has no part {part!r}")
    values = stored_values(service.read_narrative(session, event))
    values[part] = _posted_rows(part, form) if part in ROWS else str(form.get(part) or "").strip()

    def save() -> str:
        service.update_narrative(session, event, NarrativeUpdate(**{part: _parsed(part, values[part])}))
        return f"Saved the {PART_NAMES[part].lower()}."

    return _save_or_preview(screen, session, viewer, event, form, values=values, save=save, anchor=part)


@router.post("/manage/events/{event_ref}/narrative/sessions/{session_id}", response_class=HTMLResponse)
def save_session_note(
    session_id: int, screen: ScreenDep, session: SessionDep, viewer: OrganiserViewer, event: ManagedEvent, form: FormDep
):
    item = service.agenda_session(session, event, session_id)
    posted = {"notes": str(form.get("notes") or "").strip(), "key_points": text(form, "key_points")}

    def save() -> str:
        service.update_session_note(
            session,
            event,
            item.id,
            SessionNoteUpdate(notes=posted["notes"] or None, key_points=_lines(posted["key_points"])),
        )
        return f"Saved the notes of “{item.title}”."

    return _save_or_preview(
        screen,
        session,
        viewer,
        event,
        form,
        values=None,
        save=save,
        anchor=f"session-{item.id}",
        posted_session={item.id: posted},
    )
