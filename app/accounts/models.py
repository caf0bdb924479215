"""Console accounts: people who sign in with an email and a password, with a role as for API tokens."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, ForeignKey, Integer, String
from sqlmodel import Field, SQLModel

from app.core.security import Role
from app.core.types import UTCDateTime, enum_column, utcnow


class Account(SQLModel, table=True):
    __tablename__ = "account"

    id: int = Field(default=None, primary_key=True)
    # Stored lower-cased, so one address is one account whatever its spelling.
    email: str = Field(sa_column=Column(String(254), nullable=False, unique=True))
    display_name: str = Field(sa_column=Column(String(200), nullable=False))
    password_hash: str = Field(sa_column=Column(String(255), nullable=False))
    role: Role = Field(sa_column=Column(enum_column(Role, "account_role"), nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    last_sign_in_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    disabled_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    # Wrong passwords in a row; at the limit the account is locked until ``locked_until``.
    failed_sign_ins: int = Field(default=0, sa_column=Column(Integer, nullable=False, default=0))
    locked_until: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))


class AccountEvent(SQLModel, table=True):
    """An event an account is limited to; an account without any may act on every event."""

    __tablename__ = "account_event"

    account_id: int = Field(sa_column=Column(Integer, ForeignKey("account.id", ondelete="CASCADE"), primary_key=True))
    event_id: int = Field(
        sa_column=Column(Integer, ForeignKey("event.id", ondelete="CASCADE"), primary_key=True, index=True)
    )


class SignInSession(SQLModel, table=True):
    """A browser signed in to the console; its cookie holds the raw token, the table only its hash."""

    __tablename__ = "sign_in_session"

    id: int = Field(default=None, primary_key=True)
    account_id: int = Field(
        sa_column=Column(Integer, ForeignKey("account.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    token_hash: str = Field(sa_column=Column(String(64), nullable=False, unique=True))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    expires_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class PasswordReset(SQLModel, table=True):
    """A one-time "forgot password" link: the email carries a signed reference to this row."""

    __tablename__ = "password_reset"

    id: int = Field(default=None, primary_key=True)
    account_id: int = Field(
        sa_column=Column(Integer, ForeignKey("account.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    expires_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    used_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
