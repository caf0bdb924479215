"""Who is signed in to the console, and what they may open: the same rules as the API's tokens.

Signed out, a console page redirects to the sign-in page (and back afterwards); signed in, the
account's :class:`Principal` decides, through the same ``require`` and ``require_event`` checks
the API routes use.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, Request
from itsdangerous import BadSignature, Signer

from app.accounts.models import Account
from app.accounts.service import account_for_session, principal_for
from app.core.config import Settings
from app.core.deps import SessionDep, SettingsDep
from app.core.security import Principal, Role
from app.events.models import Event
from app.events.service import get_event_by_ref

SESSION_COOKIE = "convene_console"
_SESSION_SALT = "convene.console-session"


class SignInRequired(Exception):
    """No valid sign-in: answered by a redirect to the sign-in page (see :func:`install`)."""

    def __init__(self, next_url: str):
        self.next_url = next_url


def session_signer(settings: Settings) -> Signer:
    return Signer(settings.signing_key(), salt=_SESSION_SALT)


@dataclass(frozen=True)
class Viewer:
    """The signed-in account and its principal."""

    account: Account
    principal: Principal

    @property
    def is_admin(self) -> bool:
        return self.principal.role is Role.admin


def signed_in_account(request: Request, session, settings: Settings) -> Account | None:
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        return None
    try:
        raw = session_signer(settings).unsign(cookie).decode()
    except BadSignature:
        return None
    return account_for_session(session, raw)


def current_viewer(request: Request, session: SessionDep, settings: SettingsDep) -> Viewer:
    account = signed_in_account(request, session, settings)
    if account is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise SignInRequired(target if request.method == "GET" else "/manage")
    return Viewer(account, principal_for(session, account))


ViewerDep = Annotated[Viewer, Depends(current_viewer)]


def organiser(viewer: ViewerDep) -> Viewer:
    viewer.principal.require(Role.organiser)
    return viewer


def admin(viewer: ViewerDep) -> Viewer:
    viewer.principal.require(Role.admin)
    return viewer


OrganiserViewer = Annotated[Viewer, Depends(organiser)]
AdminViewer = Annotated[Viewer, Depends(admin)]


def managed_event(event_ref: str, session: SessionDep, viewer: OrganiserViewer) -> Event:
    """The event, when the signed-in account may manage it (as ``app.events.dependencies``)."""
    event = get_event_by_ref(session, event_ref)
    viewer.principal.require_event(event.id, Role.organiser)
    return event


ManagedEvent = Annotated[Event, Depends(managed_event)]


def door_event(event_ref: str, session: SessionDep, viewer: ViewerDep) -> Event:
    """The event, when the signed-in account may check people in to it (check-in staff or its organisers)."""
    event = get_event_by_ref(session, event_ref)
    viewer.principal.require_event(event.id, Role.organiser, Role.checkin)
    return event


DoorEvent = Annotated[Event, Depends(door_event)]


def login_url(next_url: str) -> str:
    return "/manage/login" + ("" if next_url in ("", "/manage") else f"?next={quote(next_url, safe='/')}")


def safe_next(next_url: str | None) -> str:
    """Only a console address of this site: never an open redirect to another host."""
    if next_url and next_url.startswith("/manage") and not next_url.startswith("//") and "\\" not in next_url:
        return next_url
    return "/manage"
