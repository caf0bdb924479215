"""API tokens in the console: an account creates, lists and revokes its own; an admin sees all.

A new token is shown once, on the page that answers its creation (never stored, never in a
redirect's flash cookie); the list shows names, roles and when each was last used.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from app.accounts.tokens import GRANTABLE, create_own_token, list_tokens, revoke_token
from app.console.access import Viewer, ViewerDep
from app.console.screen import FormDep, Screen, ScreenDep, text
from app.core.deps import SessionDep, TransactionRoute
from app.core.errors import AppError
from app.core.fields import Id, parse_id
from app.core.security import Role
from app.events.service import events_upcoming_first

router = APIRouter(route_class=TransactionRoute, include_in_schema=False)


def _page(
    screen: Screen,
    session: Session,
    viewer: Viewer,
    *,
    values: dict,
    errors: dict,
    new_token: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    events = events_upcoming_first(session, only_ids=viewer.principal.event_ids)
    return screen.render(
        "console/tokens.html",
        status=status,
        viewer=viewer,
        tokens=list_tokens(session, principal=viewer.principal),
        roles=[(role.value, role.value) for role in GRANTABLE[viewer.principal.role]],
        events=[(str(event.id), event.title) for event in events],
        values=values,
        errors=errors,
        new_token=new_token,
        labels={"name": "Name", "role": "Role", "event_id": "Event"},
    )


@router.get("/manage/tokens", response_class=HTMLResponse)
def tokens_page(screen: ScreenDep, session: SessionDep, viewer: ViewerDep):
    return _page(screen, session, viewer, values={"role": "organiser"}, errors={})


@router.post("/manage/tokens", response_class=HTMLResponse)
def create_token(screen: ScreenDep, session: SessionDep, viewer: ViewerDep, form: FormDep):
    values = {"name": text(form, "name"), "role": text(form, "role"), "event_id": text(form, "event_id")}
    errors = {}
    try:
        role = Role(values["role"])
    except ValueError:
        errors["role"] = "choose a role from the list"
    event_id = parse_id(values["event_id"])
    if values["event_id"] and event_id is None:
        errors["event_id"] = "choose an event from the list"
    if not errors:
        try:
            with session.begin_nested():
                raw = create_own_token(session, viewer.principal, name=values["name"], role=role, event_id=event_id)
        except AppError as error:
            errors[error.field or "name"] = error.detail
        else:
            # Answered with a page, not a redirect: the token is shown this once and goes nowhere else.
            return _page(screen, session, viewer, values={"role": values["role"]}, errors={}, new_token=raw, status=201)
    return _page(screen, session, viewer, values=values, errors=errors, status=422)


@router.post("/manage/tokens/{token_id}/revoke")
def revoke(token_id: Id, screen: ScreenDep, session: SessionDep, viewer: ViewerDep, form: FormDep):
    token = revoke_token(session, token_id, principal=viewer.principal)
    return screen.redirect("/manage/tokens", f"Revoked the token {token.name!r}: it no longer works.")
