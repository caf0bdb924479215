"""Messages to a chosen audience in the console: the event's mailings, one mailing with who received
it, and writing one (subject, Markdown text with placeholders, the audience's filters, sent now or
at a time on the venue's clock), previewed with its counts and a sample recipient's email before it
is sent. The rules are app.communications.mailings', as for the API; this module only reads the
form and shows pages."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter
from fastapi.responses import HTMLResponse
from pydantic import ValidationError
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from app.communications import mailings
from app.communications.mailing_schemas import Audience, MailingPreview
from app.console.access import ManagedEvent, OrganiserViewer, Viewer
from app.console.rules import audience_summary
from app.console.screen import FormDep, Screen, ScreenDep, text
from app.core.deps import SessionDep, TransactionRoute
from app.core.errors import AppError
from app.core.fields import Id, parse_id
from app.core.timezones import in_zone
from app.directory.models import OrganisationType
from app.events.models import Event
from app.notifications.messages import Message
from app.notifications.texts import Text, placeholder_names
from app.registration.models import RegistrationStatus

router = APIRouter(route_class=TransactionRoute, include_in_schema=False)

LABELS = {
    "subject": "Subject",
    "body": "Text",
    "status": "Status",
    "attendance": "Attendance",
    "groups": "Breakout groups",
    "projects": "Projects",
    "countries": "Countries",
    "organisation_types": "Types of organisation",
    "to": "Recipients",
    "when": "When",
    "send_at": "Send at",
}
STATUSES = [(status.value, status.value.replace("_", " ").capitalize()) for status in RegistrationStatus]
ATTENDANCE = [("", "Anyone"), ("checked_in", "Checked in"), ("no_show", "Did not come (not checked in)")]
WHEN = [("now", "Now"), ("later", "At a set time")]
LISTS = ("status", "groups", "projects", "countries", "organisation_types")
_LOCAL = "%Y-%m-%dT%H:%M"
# The service names the audience's fields as the API's body does ("to.groups"); the form's are "groups".
_FIELDS = {
    "to.status": "status",
    "to.attendance": "attendance",
    "to.groups": "groups",
    "to.projects": "projects",
    "to.countries": "countries",
    "to.organisation_types": "organisation_types",
    "to.registrations": "to",
}


def _base(event: Event) -> str:
    return f"/manage/events/{event.slug}/mailings"


@router.get("/manage/events/{event_ref}/mailings", response_class=HTMLResponse)
def mailings_page(screen: ScreenDep, session: SessionDep, viewer: OrganiserViewer, event: ManagedEvent):
    return screen.render(
        "console/mailings.html",
        viewer=viewer,
        event=event,
        base=_base(event),
        mailings=mailings.list_mailings(session, event),
        local=lambda moment: in_zone(moment, event.timezone),
    )


def _compose(
    screen: Screen,
    session: Session,
    viewer: Viewer,
    event: Event,
    *,
    values: dict,
    errors: dict,
    preview: MailingPreview | None = None,
    status: int = 200,
) -> HTMLResponse:
    choices = mailings.audience_choices(session, event)
    return screen.render(
        "console/mailing_form.html",
        status=status,
        viewer=viewer,
        event=event,
        base=_base(event),
        values=values,
        errors=errors,
        labels=LABELS,
        preview=preview,
        statuses=STATUSES,
        attendance=ATTENDANCE,
        when=WHEN,
        groups=[(str(value), label) for value, label in choices.groups],
        projects=[(str(value), label) for value, label in choices.projects],
        countries=[(code, code) for code in choices.countries],
        organisation_types=[(kind.value, kind.label) for kind in OrganisationType],
        placeholders=placeholder_names(Message.mailing),
    )


@router.get("/manage/events/{event_ref}/mailings/new", response_class=HTMLResponse)
def new_mailing(screen: ScreenDep, session: SessionDep, viewer: OrganiserViewer, event: ManagedEvent):
    values = {"status": [RegistrationStatus.confirmed.value], "attendance": "", "when": "now"}
    return _compose(screen, session, viewer, event, values=values, errors={})


@router.get("/manage/events/{event_ref}/mailings/{mailing_id}", response_class=HTMLResponse)
def mailing_page(mailing_id: Id, screen: ScreenDep, session: SessionDep, viewer: OrganiserViewer, event: ManagedEvent):
    """One mailing: its text, audience, time and counts, and who it was sent to (as the API's
    GET .../mailings/{mailing_id}); another event's mailing is not found."""
    mailing = mailings.get_mailing(session, event, mailing_id)
    return screen.render(
        "console/mailing.html",
        viewer=viewer,
        event=event,
        base=_base(event),
        mailing=mailing,
        to=audience_summary(mailing.audience),
        sent_to=mailings.mailing_recipients(session, mailing),
        local=lambda moment: in_zone(moment, event.timezone),
    )


def _values(form: FormData) -> dict:
    values: dict = {name: form.getlist(name) for name in LISTS}
    values.update({name: text(form, name) for name in ("subject", "attendance", "when", "send_at")})
    values["body"] = str(form.get("body") or "").replace("\r\n", "\n")
    return values


def _ids(values: dict, name: str, errors: dict) -> list[int]:
    ids = [parse_id(value) for value in values[name]]
    if None in ids:
        errors[name] = "choose from the list"
    return [value for value in ids if value is not None]


def _send_at(values: dict, event: Event, errors: dict) -> datetime | None:
    """The send time typed on the venue's clock, as an aware time; None: now."""
    if values["when"] != "later":
        return None
    try:
        return in_zone(datetime.strptime(values["send_at"], _LOCAL), event.timezone)
    except ValueError:
        errors["send_at"] = f"give the date and time (on the venue's clock, {event.timezone}) to send it at"
        return None


def _audience(values: dict, errors: dict) -> Audience | None:
    groups, projects = _ids(values, "groups", errors), _ids(values, "projects", errors)
    try:
        return Audience(
            status=values["status"],
            attendance=values["attendance"] or None,
            groups=groups,
            projects=projects,
            countries=values["countries"],
            organisation_types=values["organisation_types"],
        )
    except ValidationError as error:
        for problem in error.errors():
            errors.setdefault(str(problem["loc"][0]), "choose from the list")
        return None


@router.post("/manage/events/{event_ref}/mailings", response_class=HTMLResponse)
def preview_or_send(
    screen: ScreenDep, session: SessionDep, viewer: OrganiserViewer, event: ManagedEvent, form: FormDep
):
    """``action=preview`` shows the counts and a sample recipient's email; ``action=send`` sends (or
    schedules) it. A refusal shows the form again with the message by its field; nothing is written."""
    values, errors = _values(form), {}
    if not values["status"]:
        errors["status"] = "choose at least one status"
    audience, send_at = _audience(values, errors), _send_at(values, event, errors)
    if audience is not None and not errors:
        mail = Text(values["subject"], values["body"])
        try:
            if form.get("action") == "send":
                mailing = mailings.create_mailing(session, event, mail, audience, send_at)
                return screen.redirect(_base(event), _sent(mailing, event))
            mailings.check_send_at(send_at)
            preview = mailings.preview(session, event, mail, audience)
            return _compose(screen, session, viewer, event, values=values, errors={}, preview=preview)
        except AppError as error:
            errors[_FIELDS.get(error.field or "", error.field or "to")] = error.detail
    return _compose(screen, session, viewer, event, values=values, errors=errors, status=422)


def _sent(mailing, event: Event) -> str:
    skipped = f" ({mailing.skipped} skipped: unsubscribed)" if mailing.skipped else ""
    if mailing.send_at is not None and mailing.sent_at is None:
        moment = in_zone(mailing.send_at, event.timezone).strftime("%d %B %Y at %H:%M")
        return f"“{mailing.subject}” will be sent on {moment} ({event.timezone})."
    return f"Sent “{mailing.subject}” to {mailing.recipients} participant(s){skipped}."
