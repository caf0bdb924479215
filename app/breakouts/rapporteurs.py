"""A working group's rapporteur writes its key points through a private link, with no account:
``/rapporteur/{token}``.

As with participants' links, the token is signed with the installation secret (itsdangerous) and
carries only ids: the group's and its event's. It opens that one group of that one event and
nothing else: a token not signed by us, or naming a group that is not (or no longer) the event's,
is an invalid link. It stops working some weeks after the event, when the report is long written.
The key points are the group's ``report_notes``, the field the organiser edits in the console, the
API's ``PATCH .../groups/{id}`` changes, and the report prints.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from itsdangerous import BadSignature, URLSafeSerializer
from pydantic import ValidationError
from sqlalchemy.orm import Session

from app.agenda.models import AgendaSession
from app.breakouts.models import BreakoutGroup
from app.breakouts.schemas import GroupUpdate
from app.breakouts.service import update_group
from app.core.config import Settings
from app.core.csrf import FIELD_NAME, Csrf, CsrfDep, FormDep
from app.core.deps import SessionDep, SettingsDep, TransactionRoute
from app.core.errors import Forbidden, NotFound
from app.core.templating import render_page
from app.core.timezones import in_zone
from app.core.types import utcnow
from app.events.models import Event

SALT = "convene.rapporteur-link"
PATH = "/rapporteur"
# The key points are often written up after the event; the link works this long after its end.
LINK_GRACE = timedelta(days=30)

router = APIRouter(route_class=TransactionRoute, include_in_schema=False)


class InvalidRapporteurLink(NotFound):
    title = "Invalid link"


class RapporteurLinkExpired(Forbidden):
    title = "Link expired"


def _serializer(settings: Settings) -> URLSafeSerializer:
    return URLSafeSerializer(settings.signing_key(), salt=SALT)


def rapporteur_token(settings: Settings, event: Event, group: BreakoutGroup) -> str:
    return _serializer(settings).dumps({"g": group.id, "e": event.id})


def rapporteur_url(settings: Settings, event: Event, group: BreakoutGroup) -> str:
    return f"{settings.base_url}{PATH}/{rapporteur_token(settings, event, group)}"


@dataclass(frozen=True)
class RapporteurGroup:
    event: Event
    item: AgendaSession
    group: BreakoutGroup


def group_for_token(session: Session, settings: Settings, token: str) -> RapporteurGroup:
    """The group behind ``token``, when it is still a group of the event the token names."""
    invalid = InvalidRapporteurLink("this link is not valid; ask the organisers for your group's link")
    try:
        payload = _serializer(settings).loads(token)
    except BadSignature:
        raise invalid from None
    group_id, event_id = (payload.get("g"), payload.get("e")) if isinstance(payload, dict) else (None, None)
    if not isinstance(group_id, int) or not isinstance(event_id, int):
        raise invalid
    group = session.get(BreakoutGroup, group_id)
    item = session.get(AgendaSession, group.session_id) if group else None
    if group is None or item is None or item.event_id != event_id:
        raise invalid
    event = session.get_one(Event, event_id)
    if utcnow() > event.ends_at + LINK_GRACE:
        raise RapporteurLinkExpired(
            "this link expired some weeks after the event; ask the organisers to add your points"
        )
    return RapporteurGroup(event, item, group)


def _page(
    found: RapporteurGroup,
    token: str,
    csrf: Csrf,
    *,
    notes: str,
    saved: bool = False,
    error: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    event, item = found.event, found.item
    html = render_page(
        "breakouts/rapporteur.html",
        event=event,
        item=item,
        group=found.group,
        token=token,
        notes=notes,
        saved=saved,
        error=error,
        csrf_field=FIELD_NAME,
        csrf_token=csrf.token,
        starts=in_zone(item.starts_at, event.timezone),
        ends=in_zone(item.ends_at, event.timezone),
    )
    # A private page: never cached by a shared cache, never told to another site through the referrer.
    response = HTMLResponse(
        html, status_code=status, headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}
    )
    return csrf.set_cookie(response)


@router.get(PATH + "/{token}", response_class=HTMLResponse)
def rapporteur_page(token: str, session: SessionDep, settings: SettingsDep, csrf: CsrfDep, saved: bool = False):
    found = group_for_token(session, settings, token)
    return _page(found, token, csrf, notes=found.group.report_notes or "", saved=saved)


@router.post(PATH + "/{token}", response_class=HTMLResponse)
def save_key_points(
    token: str, request: Request, session: SessionDep, settings: SettingsDep, csrf: CsrfDep, form: FormDep
):
    found = group_for_token(session, settings, token)
    csrf.verify(form.get(FIELD_NAME))
    notes = str(form.get("report_notes") or "").strip()
    try:
        update_group(session, found.group, GroupUpdate(report_notes=notes or None))
    except ValidationError:
        return _page(found, token, csrf, notes=notes, error="the key points are too long: shorten them", status=422)
    return RedirectResponse(f"{PATH}/{token}?saved=true", status_code=303)
