"""API tokens: stored only as SHA-256 hashes, each with a role and optionally one event; and the
:class:`Principal` every route checks, whether it came from a token or a signed-in account.

Roles: ``admin`` may do everything; ``organiser`` manages events (all of them, or the ones its
token or account is limited to); ``checkin`` may only record check-ins.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Column, ForeignKey, Integer, String, select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from sqlmodel import Field, SQLModel, col

from app.core.errors import Forbidden, Unauthorized
from app.core.roles import Role
from app.core.types import UTCDateTime, enum_column, utcnow

TOKEN_PREFIX = "cvn_"


class ApiToken(SQLModel, table=True):
    __tablename__ = "api_token"

    id: int = Field(default=None, primary_key=True)
    name: str = Field(sa_column=Column(String(200), nullable=False))
    role: Role = Field(sa_column=Column(enum_column(Role, "token_role"), nullable=False))
    event_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("event.id", ondelete="CASCADE"), nullable=True, index=True)
    )
    token_hash: str = Field(sa_column=Column(String(64), nullable=False, unique=True))
    # The console account that created the token (it may list and revoke it); null: made by the CLI.
    account_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("account.id", ondelete="CASCADE"), nullable=True, index=True)
    )
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    last_used_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    revoked_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))


@dataclass(frozen=True)
class Principal:
    """Who is calling, as far as authorisation cares: an API token or a console account."""

    role: Role
    event_ids: frozenset[int] | None = None  # None: every event
    token_id: int | None = None
    account_id: int | None = None
    name: str = ""  # who it is, for the history of what they changed
    # The account this caller acts for: the signed-in account, or the one that created the token
    # (None for a token made with the CLI). What it creates belongs to it (app.core.ownership).
    owner_account_id: int | None = None

    @property
    def _kind(self) -> str:
        return "account" if self.account_id is not None else "token"

    def require(self, *roles: Role) -> None:
        if self.role is not Role.admin and self.role not in roles:
            raise Forbidden(f"this {self._kind}'s role ({self.role.value}) may not do this")

    @property
    def all_events(self) -> bool:
        """An admin, or an organiser (or check-in staff) not limited to chosen events."""
        return self.role is Role.admin or self.event_ids is None

    def may_act_on(self, event_id: int) -> bool:
        return self.event_ids is None or event_id in self.event_ids

    def require_event(self, event_id: int, *roles: Role) -> None:
        """Refuse unless this principal has one of ``roles`` and may act on ``event_id``."""
        self.require(*roles)
        if not self.may_act_on(event_id):
            raise Forbidden(f"this {self._kind} is limited to other events")

    def require_all_events(self) -> None:
        """Refuse a principal limited to chosen events (it may not create others)."""
        if self.event_ids is not None:
            raise Forbidden(f"this {self._kind} is limited to chosen events and cannot create others")

    def require_manages(self, event_id: int) -> None:
        """Refuse unless this principal may organise ``event_id``."""
        self.require_event(event_id, Role.organiser)


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def create_token(
    session: Session, *, role: Role, name: str, event_id: int | None = None, account_id: int | None = None
) -> str:
    """Store a new token's hash and return the token itself, which is never stored."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    session.add(ApiToken(name=name, role=role, event_id=event_id, account_id=account_id, token_hash=hash_token(raw)))
    session.flush()
    return raw


# "Last used" is written at most this often per token: a write on every API call would cost more
# than the call, and an hour is precise enough to tell a forgotten token from a busy one.
LAST_USED_PRECISION = timedelta(hours=1)


def authenticate(session: Session, raw: str | None) -> Principal:
    if not raw:
        raise Unauthorized("send an API token: Authorization: Bearer TOKEN (create one with `convene token create`)")
    token = session.execute(
        select(ApiToken).where(col(ApiToken.token_hash) == hash_token(raw), col(ApiToken.revoked_at).is_(None))
    ).scalar_one_or_none()
    if token is None:
        raise Unauthorized("this API token is not valid")
    _note_use(session, token)
    return Principal(
        role=token.role,
        event_ids=None if token.event_id is None else frozenset({token.event_id}),
        token_id=token.id,
        owner_account_id=token.account_id,
        name=f"API token {token.name!r}",
    )


def _note_use(session: Session, token: ApiToken) -> None:
    """Record when the token was last used. Best effort, by choice: in a read-only request on SQLite
    another writer may hold the database, and a busy database must not refuse the call itself."""
    now = utcnow()
    if token.last_used_at is not None and now - token.last_used_at < LAST_USED_PRECISION:
        return
    try:
        with session.begin_nested():
            session.execute(update(ApiToken).where(col(ApiToken.id) == token.id).values(last_used_at=now))
    except OperationalError:
        pass


def derived_token(secret: str, purpose: str) -> str:
    """A token computed from the installation secret, so the same one can be shown on every run."""
    digest = hashlib.blake2b(purpose.encode(), key=secret.encode()[:64], digest_size=32).hexdigest()
    return TOKEN_PREFIX + digest


def ensure_token(session: Session, raw: str, *, role: Role, name: str, event_id: int | None = None) -> str:
    """Store ``raw`` as a token unless it is stored already (idempotent)."""
    exists = session.execute(select(col(ApiToken.id)).where(col(ApiToken.token_hash) == hash_token(raw))).first()
    if exists is None:
        session.add(ApiToken(name=name, role=role, event_id=event_id, token_hash=hash_token(raw)))
        session.flush()
    return raw
