"""API tokens: stored only as SHA-256 hashes, each with a role and optionally one event.

Roles: ``admin`` may do everything; ``organiser`` manages events (all of them, or the one its
token is limited to); ``checkin`` may only record check-ins.
"""

from __future__ import annotations

import enum
import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Column, ForeignKey, Integer, String, select
from sqlalchemy.orm import Session
from sqlmodel import Field, SQLModel

from app.core.errors import Forbidden, Unauthorized
from app.core.types import UTCDateTime, enum_column, utcnow

TOKEN_PREFIX = "cvn_"


class Role(str, enum.Enum):
    admin = "admin"
    organiser = "organiser"
    checkin = "checkin"


class ApiToken(SQLModel, table=True):
    __tablename__ = "api_token"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(sa_column=Column(String(200), nullable=False))
    role: Role = Field(sa_column=Column(enum_column(Role, "token_role"), nullable=False))
    event_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("event.id", ondelete="CASCADE"), nullable=True, index=True)
    )
    token_hash: str = Field(sa_column=Column(String(64), nullable=False, unique=True))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    revoked_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))


@dataclass(frozen=True)
class Principal:
    """Who is calling, as far as authorisation cares."""

    token_id: int
    role: Role
    event_id: int | None

    def require(self, *roles: Role) -> None:
        if self.role is not Role.admin and self.role not in roles:
            raise Forbidden(f"this token's role ({self.role.value}) may not do this")

    def require_event(self, event_id: int, *roles: Role) -> None:
        """Refuse unless this principal has one of ``roles`` and may act on ``event_id``."""
        self.require(*roles)
        if self.event_id is not None and self.event_id != event_id:
            raise Forbidden("this token is limited to another event")


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def create_token(session: Session, *, role: Role, name: str, event_id: int | None = None) -> str:
    """Store a new token's hash and return the token itself, which is never stored."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    session.add(ApiToken(name=name, role=role, event_id=event_id, token_hash=hash_token(raw)))
    session.flush()
    return raw


def authenticate(session: Session, raw: str | None) -> Principal:
    if not raw:
        raise Unauthorized("send an API token: Authorization: Bearer TOKEN (create one with `convene token create`)")
    token = session.execute(
        select(ApiToken).where(ApiToken.token_hash == hash_token(raw), ApiToken.revoked_at.is_(None))
    ).scalar_one_or_none()
    if token is None:
        raise Unauthorized("this API token is not valid")
    return Principal(token_id=token.id, role=token.role, event_id=token.event_id)


def derived_token(secret: str, purpose: str) -> str:
    """A token computed from the installation secret, so the same one can be shown on every run."""
    digest = hashlib.blake2b(purpose.encode(), key=secret.encode()[:64], digest_size=32).hexdigest()
    return TOKEN_PREFIX + digest


def ensure_token(session: Session, raw: str, *, role: Role, name: str, event_id: int | None = None) -> str:
    """Store ``raw`` as a token unless it is stored already (idempotent)."""
    exists = session.execute(select(ApiToken.id).where(ApiToken.token_hash == hash_token(raw))).first()
    if exists is None:
        session.add(ApiToken(name=name, role=role, event_id=event_id, token_hash=hash_token(raw)))
        session.flush()
    return raw
