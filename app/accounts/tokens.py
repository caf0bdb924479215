"""API tokens as their owners see them: listed (never shown again), created, revoked.

An organiser manages the tokens they created; an admin sees and revokes every token. A token
never has more rights than its creator: the same role or a lower one, and only the creator's events.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlmodel import col

from app.accounts.models import Account
from app.core.errors import Forbidden, InvalidInput, NotFound
from app.core.security import ApiToken, Principal, Role, create_token
from app.core.types import utcnow
from app.events.models import Event

# Roles a creator may hand on: never more than their own.
GRANTABLE = {
    Role.admin: (Role.admin, Role.organiser, Role.checkin),
    Role.organiser: (Role.organiser, Role.checkin),
    Role.checkin: (),
}


@dataclass(frozen=True)
class TokenRow:
    id: int
    name: str
    role: Role
    event_slug: str | None
    owner: str | None
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


def list_tokens(session: Session, *, principal: Principal | None = None) -> list[TokenRow]:
    """Every token (the CLI, an admin), or those ``principal``'s account created; newest first."""
    statement = (
        select(ApiToken, col(Event.slug), col(Account.email))
        .outerjoin(Event, col(Event.id) == col(ApiToken.event_id))
        .outerjoin(Account, col(Account.id) == col(ApiToken.account_id))
        .order_by(col(ApiToken.revoked_at).is_not(None), col(ApiToken.created_at).desc(), col(ApiToken.id).desc())
    )
    if principal is not None and principal.role is not Role.admin:
        statement = statement.where(col(ApiToken.account_id) == principal.account_id)
    return [
        TokenRow(token.id, token.name, token.role, slug, owner, token.created_at, token.last_used_at, token.revoked_at)
        for token, slug, owner in session.execute(statement)
    ]


def create_own_token(session: Session, principal: Principal, *, name: str, role: Role, event_id: int | None) -> str:
    """A token for ``principal``'s account, with at most its rights; returns the token, shown once."""
    name = name.strip()
    if not name or len(name) > 200:
        raise InvalidInput("give the token a name of 1 to 200 characters (what or who it is for)", field="name")
    if role not in GRANTABLE[principal.role]:
        raise Forbidden(f"your role ({principal.role.value}) cannot create a {role.value} token", field="role")
    if event_id is None and principal.event_ids is not None:
        raise InvalidInput("choose one of your events: your account is limited to chosen events", field="event_id")
    if event_id is not None:
        if session.get(Event, event_id) is None:
            raise InvalidInput("choose an event from the list", field="event_id")
        if not principal.may_act_on(event_id):
            raise Forbidden("your account is limited to other events", field="event_id")
    return create_token(session, role=role, name=name, event_id=event_id, account_id=principal.account_id)


def revoke_token(session: Session, token_id: int, *, principal: Principal | None = None) -> ApiToken:
    """Revoke a token (the CLI: any; an admin: any; an organiser: their own). Revoking twice is harmless."""
    token = session.get(ApiToken, token_id)
    visible = token is not None and (
        principal is None or principal.role is Role.admin or token.account_id == principal.account_id
    )
    if token is None or not visible:
        raise NotFound(f"no token with id {token_id}" + ("" if principal is None else " among yours"))
    token.revoked_at = token.revoked_at or utcnow()
    session.flush()
    return token
