"""An event's scheduled rules in the console: the list with each rule's moment and state, adding
one from a template, editing one that has not run, deleting. The rules are
app.communications.rules's, as for the API's /rules."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from fastapi import APIRouter
from fastapi.responses import HTMLResponse
from pydantic import ValidationError
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from app.communications import rules
from app.communications.mailing_schemas import Audience
from app.communications.rule_models import MessageRule
from app.communications.rule_schemas import RuleCreate, RuleUpdate
from app.communications.rule_templates import TEMPLATES
from app.console.access import ManagedEvent, OrganiserViewer, Viewer
from app.console.screen import FormDep, Screen, ScreenDep, text
from app.core.deps import SessionDep, TransactionRoute
from app.core.errors import AppError
from app.core.fields import Id
from app.events.models import Event
from app.registration.models import RegistrationStatus

router = APIRouter(route_class=TransactionRoute, include_in_schema=False)

LABELS = {
    "template": "Template",
    "link": "Link",
    "name": "Name",
    "subject": "Subject",
    "body": "Text",
    "status": "Registration status",
    "attendance": "Attendance",
    "to": "Who receives it",
    "offset_days": "Days from the event",
    "anchor": "Counted from",
    "time": "Time",
    "enabled": "Enabled",
}
STATUSES = [(status.value, status.value.replace("_", " ").capitalize()) for status in RegistrationStatus]
ATTENDANCE = [("checked_in", "Checked in"), ("no_show", "Not checked in (no-show)")]
ANCHORS = [("start", "The event's start"), ("end", "The event's end")]
STATES = {"scheduled": "Scheduled", "sent": "Sent", "missed": "Missed", "disabled": "Disabled"}


def _base(event: Event) -> str:
    return f"/manage/events/{event.slug}/rules"


def when(rule: MessageRule) -> str:
    days = abs(rule.offset_days)
    relation = (
        "on the day of"
        if days == 0
        else f"{days} day{'s' if days != 1 else ''} " + ("before" if rule.offset_days < 0 else "after")
    )
    return f"{relation} the {rule.anchor}, {rule.send_time:%H:%M}"


def _local(event: Event, rule: MessageRule) -> str:
    return f"{rules.due_at(event, rule).astimezone(ZoneInfo(event.timezone)):%a %d %b %Y, %H:%M} ({event.timezone})"


def audience_summary(audience: dict) -> str:
    chosen = Audience.model_validate(audience)
    words = ", ".join(status.value.replace("_", " ") for status in chosen.status)
    if chosen.attendance:
        words += ", " + dict(ATTENDANCE)[chosen.attendance].lower()
    others = [
        name.replace("_", " ")
        for name in ("groups", "projects", "countries", "organisation_types", "registrations")
        if getattr(chosen, name)
    ]
    return words + (f"; by {', '.join(others)}" if others else "")


def _list(
    screen: Screen, session: Session, viewer: Viewer, event: Event, *, values: dict, errors: dict, status: int = 200
) -> HTMLResponse:
    rows = [
        {
            "rule": rule,
            "state": rules.state(event, rule),
            "when": when(rule),
            "due": _local(event, rule),
            "to": audience_summary(rule.audience),
        }
        for rule in rules.list_rules(session, event)
    ]
    templates = [(template.key, f"{template.name}: {template.description}") for template in TEMPLATES.values()]
    return screen.render(
        "console/rules.html",
        status=status,
        viewer=viewer,
        event=event,
        rows=rows,
        templates=templates,
        states=STATES,
        values=values,
        errors=errors,
        labels=LABELS,
        base=_base(event),
    )


def _errors(error: ValidationError) -> dict:
    found: dict[str, str] = {}
    for problem in error.errors():
        where = [str(part) for part in problem["loc"]]
        name = where[1] if where[0] == "to" and len(where) > 1 and where[1] in ("status", "attendance") else where[0]
        found.setdefault(name, problem["msg"])
    return found


@router.get("/manage/events/{event_ref}/rules", response_class=HTMLResponse)
def rules_page(screen: ScreenDep, session: SessionDep, viewer: OrganiserViewer, event: ManagedEvent):
    return _list(screen, session, viewer, event, values={"template": "reminder"}, errors={})


@router.post("/manage/events/{event_ref}/rules", response_class=HTMLResponse)
def add_rule(screen: ScreenDep, session: SessionDep, viewer: OrganiserViewer, event: ManagedEvent, form: FormDep):
    values = {"template": text(form, "template"), "link": text(form, "link")}
    try:
        data = RuleCreate(template=values["template"], link=values["link"] or None)
        with session.begin_nested():
            rule = rules.create_rule(session, event, data)
    except ValidationError as error:
        return _list(screen, session, viewer, event, values=values, errors=_errors(error), status=422)
    except AppError as error:
        return _list(
            screen, session, viewer, event, values=values, errors={error.field or "template": error.detail}, status=422
        )
    return screen.redirect(f"{_base(event)}/{rule.id}", f"Added the rule “{rule.name}”: check its text and time.")


def _editor(
    screen: Screen,
    session: Session,
    viewer: Viewer,
    event: Event,
    rule: MessageRule,
    *,
    values: dict,
    errors: dict,
    status: int = 200,
) -> HTMLResponse:
    return screen.render(
        "console/rule.html",
        status=status,
        viewer=viewer,
        event=event,
        rule=rule,
        state=rules.state(event, rule),
        when=when(rule),
        due=_local(event, rule),
        to=audience_summary(rule.audience),
        values=values,
        errors=errors,
        labels=LABELS,
        statuses=STATUSES,
        attendance=ATTENDANCE,
        anchors=ANCHORS,
        states=STATES,
        base=_base(event),
    )


def _values(rule: MessageRule) -> dict:
    audience = Audience.model_validate(rule.audience)
    return {
        "name": rule.name,
        "subject": rule.subject,
        "body": rule.body,
        "status": [status.value for status in audience.status],
        "attendance": audience.attendance or "",
        "offset_days": str(rule.offset_days),
        "anchor": rule.anchor,
        "time": f"{rule.send_time:%H:%M}",
        "enabled": rule.enabled,
    }


@router.get("/manage/events/{event_ref}/rules/{rule_id}", response_class=HTMLResponse)
def rule_page(rule_id: Id, screen: ScreenDep, session: SessionDep, viewer: OrganiserViewer, event: ManagedEvent):
    rule = rules.get_rule(session, event, rule_id)
    return _editor(screen, session, viewer, event, rule, values=_values(rule), errors={})


def _posted(form: FormData) -> dict:
    return {
        "name": text(form, "name"),
        "subject": text(form, "subject"),
        "body": str(form.get("body") or "").replace("\r\n", "\n"),
        "status": form.getlist("status"),
        "attendance": text(form, "attendance"),
        "offset_days": text(form, "offset_days"),
        "anchor": text(form, "anchor"),
        "time": text(form, "time"),
        "enabled": form.get("enabled") == "yes",
    }


@router.post("/manage/events/{event_ref}/rules/{rule_id}", response_class=HTMLResponse)
def save_rule(
    rule_id: Id, screen: ScreenDep, session: SessionDep, viewer: OrganiserViewer, event: ManagedEvent, form: FormDep
):
    rule = rules.get_rule(session, event, rule_id)
    values = _posted(form)
    try:
        # The other filters (groups, projects...) the API may have set are kept as they are.
        audience = {**rule.audience, "status": values["status"], "attendance": values["attendance"] or None}
        data = RuleUpdate(
            name=values["name"],
            subject=values["subject"],
            body=values["body"],
            to=audience,
            offset_days=values["offset_days"],
            anchor=values["anchor"],
            time=values["time"],
            enabled=values["enabled"],
        )
        with session.begin_nested():
            rules.update_rule(session, event, rule_id, data)
    except ValidationError as error:
        return _editor(screen, session, viewer, event, rule, values=values, errors=_errors(error), status=422)
    except AppError as error:
        session.refresh(rule)
        return _editor(
            screen,
            session,
            viewer,
            event,
            rule,
            values=values,
            errors={error.field or "form": error.detail},
            status=422 if error.status == 422 else 409,
        )
    return screen.redirect(f"{_base(event)}/{rule_id}", f"Saved the rule “{rule.name}”.")


@router.post("/manage/events/{event_ref}/rules/{rule_id}/delete")
def delete_rule(
    rule_id: Id, screen: ScreenDep, session: SessionDep, viewer: OrganiserViewer, event: ManagedEvent, form: FormDep
):
    rule = rules.get_rule(session, event, rule_id)
    name = rule.name
    rules.delete_rule(session, event, rule_id)
    return screen.redirect(_base(event), f"Deleted the rule “{name}”.")
