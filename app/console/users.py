"""Console accounts, for admins: list, create, disable and enable (as ``convene user ...``)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from app.accounts import service as accounts
from app.console.access import AdminViewer, Viewer
from app.console.screen import FormDep, Screen, ScreenDep, text
from app.core.deps import SessionDep, TransactionRoute
from app.core.errors import AppError
from app.core.fields import Id, parse_id
from app.core.security import Role
from app.events.service import events_upcoming_first

router = APIRouter(route_class=TransactionRoute, include_in_schema=False)
LABELS = {"email": "Email", "display_name": "Name", "role": "Role", "event_ids": "Events", "password": "Password"}


def _page(
    screen: Screen, session: Session, viewer: Viewer, *, values: dict, errors: dict, status: int = 200
) -> HTMLResponse:
    rows = [(account, accounts.account_event_slugs(session, account)) for account in accounts.list_accounts(session)]
    events = [(str(event.id), event.title) for event in events_upcoming_first(session)]
    return screen.render(
        "console/users.html",
        status=status,
        viewer=viewer,
        rows=rows,
        events=events,
        values=values,
        errors=errors,
        labels=LABELS,
        roles=[(role.value, role.value) for role in Role],
    )


@router.get("/manage/users", response_class=HTMLResponse)
def users_page(screen: ScreenDep, session: SessionDep, viewer: AdminViewer):
    return _page(screen, session, viewer, values={"role": "organiser", "event_ids": []}, errors={})


@router.post("/manage/users", response_class=HTMLResponse)
def create_user(screen: ScreenDep, session: SessionDep, viewer: AdminViewer, form: FormDep):
    values: dict[str, Any] = {name: text(form, name) for name in ("email", "display_name", "role")}
    values["event_ids"] = [value for value in form.getlist("event_ids") if isinstance(value, str)]
    event_ids = [parse_id(value) for value in values["event_ids"]]
    errors = {}
    try:
        role = Role(values["role"])
    except ValueError:
        errors["role"] = "choose a role from the list"
    if None in event_ids:
        errors["event_ids"] = "choose events from the list"
    if not errors:
        try:
            with session.begin_nested():
                account = accounts.create_account(
                    session,
                    email=values["email"],
                    display_name=values["display_name"],
                    password=str(form.get("password") or ""),
                    role=role,
                    event_ids=frozenset(event_id for event_id in event_ids if event_id is not None),
                )
        except AppError as error:
            errors[error.field or "email"] = error.detail
        else:
            return screen.redirect("/manage/users", f"Created the account of {account.display_name} ({account.email}).")
    return _page(screen, session, viewer, values=values, errors=errors, status=422)


@router.post("/manage/users/{account_id}/{change}")
def enable_or_disable(
    account_id: Id, change: str, screen: ScreenDep, session: SessionDep, viewer: AdminViewer, form: FormDep
):
    if change not in ("disable", "enable"):
        return screen.redirect("/manage/users", "choose disable or enable", problem=True)
    account = accounts.get_account(session, account_id)
    if account.id == viewer.account.id and change == "disable":
        return screen.redirect("/manage/users", "you cannot disable your own account", problem=True)
    accounts.set_disabled(session, account, change == "disable")
    return screen.redirect("/manage/users", f"{change.capitalize()}d the account of {account.display_name}.")
