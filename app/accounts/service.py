"""Accounts: create, list, disable; sign in (with a lockout), sign-in sessions, forgotten passwords.

Sign-in failures are counted in the database, so the caller must let the transaction commit when
it refuses a password (the console answers the refusal with a page rather than an error).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import delete, select
from sqlalchemy.orm import Session
from sqlmodel import col

from app.accounts.models import Account, AccountEvent, PasswordReset, SignInSession
from app.accounts.passwords import (
    check_password_rules,
    hash_password,
    needs_rehash,
    spend_verification_time,
    verify_password,
)
from app.core.db import keep_after_rollback
from app.core.errors import AppError, Conflict, InvalidInput, NotFound
from app.core.security import Principal, Role
from app.core.types import utcnow
from app.events.models import Event
from app.notifications.messages import Message, PasswordResetProps
from app.notifications.outbox import queue_email

# Wrong passwords in a row before the account is locked, and for how long.
MAX_FAILED_SIGN_INS = 5
LOCKOUT = timedelta(minutes=15)
SESSION_LIFETIME = timedelta(hours=12)
RESET_LIFETIME = timedelta(hours=1)
# At most one "forgot password" email per account in this period, however often it is asked for.
RESET_EMAIL_PERIOD_SECONDS = 5 * 60


class SignInRefused(AppError):
    status = 401
    title = "Sign-in refused"


class AccountLocked(AppError):
    status = 429
    title = "Too many attempts"


def normalised_email(email: str, *, field: str = "email") -> str:
    try:
        return validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as error:
        raise InvalidInput(f"this is not a valid email address ({error})", field=field) from None


def create_account(
    session: Session,
    *,
    email: str,
    display_name: str,
    password: str,
    role: Role,
    event_ids: frozenset[int] = frozenset(),
) -> Account:
    address = normalised_email(email)
    name = display_name.strip()
    if not name or len(name) > 200:
        raise InvalidInput("give a display name of 1 to 200 characters", field="display_name")
    check_password_rules(password)
    if role is Role.admin and event_ids:
        raise InvalidInput("an admin acts on every event; leave the events out", field="event_ids")
    if find_account(session, address) is not None:
        raise Conflict(f"there is already an account for {address}", field="email")
    account = Account(email=address, display_name=name, password_hash=hash_password(password), role=role)
    session.add(account)
    session.flush()
    session.add_all(AccountEvent(account_id=account.id, event_id=event_id) for event_id in sorted(event_ids))
    session.flush()
    return account


def find_account(session: Session, email: str) -> Account | None:
    return session.execute(select(Account).where(col(Account.email) == email.strip().lower())).scalar_one_or_none()


def get_account(session: Session, account_id: int) -> Account:
    account = session.get(Account, account_id)
    if account is None:
        raise NotFound(f"no account with id {account_id}")
    return account


def account_by_email(session: Session, email: str) -> Account:
    account = find_account(session, email)
    if account is None:
        raise NotFound(f"no account for {email.strip().lower()}")
    return account


def list_accounts(session: Session) -> list[Account]:
    return list(session.execute(select(Account).order_by(Account.email)).scalars())


def account_event_ids(session: Session, account: Account) -> frozenset[int]:
    rows = session.execute(
        select(col(AccountEvent.event_id)).where(col(AccountEvent.account_id) == account.id)
    ).scalars()
    return frozenset(rows)


def set_disabled(session: Session, account: Account, disabled: bool) -> Account:
    """Disable (signs the account out everywhere and revokes nothing else) or enable again."""
    account.disabled_at = (account.disabled_at or utcnow()) if disabled else None
    if disabled:
        session.execute(delete(SignInSession).where(col(SignInSession.account_id) == account.id))
    else:
        account.failed_sign_ins, account.locked_until = 0, None
    session.flush()
    return account


def principal_for(session: Session, account: Account) -> Principal:
    """The same principal an API token with this account's role and events would be."""
    event_ids = None if account.role is Role.admin else (account_event_ids(session, account) or None)
    return Principal(
        role=account.role,
        event_ids=event_ids,
        account_id=account.id,
        owner_account_id=account.id,
        name=f"{account.display_name} <{account.email}>",
    )


# --- signing in --------------------------------------------------------------------------------


def sign_in(session: Session, email: str, password: str, *, now: datetime | None = None) -> Account:
    """The account whose password this is; refused (and counted) otherwise.

    A locked account is refused without looking at the password, so guessing cannot go on while
    it is locked; an unknown address takes as long to refuse as a known one.
    """
    now = now or utcnow()
    account = find_account(session, email)
    refused = SignInRefused("the email address or the password is not right", field="password")
    if account is None or account.disabled_at is not None:
        spend_verification_time(password)
        raise refused
    if account.locked_until is not None and now < account.locked_until:
        minutes = max(1, round((account.locked_until - now).total_seconds() / 60))
        raise AccountLocked(
            f"too many wrong passwords: try again in {minutes} minute{'s' if minutes != 1 else ''}, "
            "or reset your password by email",
            field="password",
        )
    if not verify_password(account.password_hash, password):
        # The refusal rolls the request back; the wrong password is counted all the same.
        keep_after_rollback(session, partial(_count_wrong_password, account_id=account.id, now=now))
        raise refused
    if needs_rehash(account.password_hash):
        account.password_hash = hash_password(password)
    account.failed_sign_ins, account.locked_until, account.last_sign_in_at = 0, None, now
    session.flush()
    return account


def _count_wrong_password(session: Session, *, account_id: int, now: datetime) -> None:
    account = session.get_one(Account, account_id)
    account.failed_sign_ins += 1
    if account.failed_sign_ins >= MAX_FAILED_SIGN_INS:
        account.failed_sign_ins, account.locked_until = 0, now + LOCKOUT
    session.flush()


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def start_session(session: Session, account: Account) -> str:
    """A new sign-in session; returns its raw token for the cookie (only its hash is stored)."""
    raw = secrets.token_urlsafe(32)
    now = utcnow()
    session.add(
        SignInSession(account_id=account.id, token_hash=_digest(raw), created_at=now, expires_at=now + SESSION_LIFETIME)
    )
    session.flush()
    return raw


def account_for_session(session: Session, raw: str) -> Account | None:
    """The enabled account signed in with ``raw``, unless the session ended or expired."""
    row = session.execute(
        select(SignInSession).where(col(SignInSession.token_hash) == _digest(raw))
    ).scalar_one_or_none()
    if row is None or row.expires_at <= utcnow():
        return None
    account = session.get(Account, row.account_id)
    return account if account is not None and account.disabled_at is None else None


def end_session(session: Session, raw: str) -> None:
    session.execute(delete(SignInSession).where(col(SignInSession.token_hash) == _digest(raw)))


# --- forgotten passwords -----------------------------------------------------------------------


def request_password_reset(session: Session, email: str) -> None:
    """Email a one-time link to the account's address, if there is such an enabled account.

    The answer is the same either way, so the form does not tell who has an account.
    """
    account = find_account(session, email)
    if account is None or account.disabled_at is not None:
        return
    now = utcnow()
    reset = PasswordReset(account_id=account.id, created_at=now, expires_at=now + RESET_LIFETIME)
    session.add(reset)
    session.flush()
    period = int(now.timestamp()) // RESET_EMAIL_PERIOD_SECONDS
    props = PasswordResetProps(
        display_name=account.display_name,
        password_reset_id=reset.id,
        valid_minutes=int(RESET_LIFETIME.total_seconds() // 60),
    )
    queue_email(
        session,
        Message.password_reset,
        to=account.email,
        props=props,
        dedup_key=f"password_reset:{account.id}:{period}",
    )


@dataclass(frozen=True)
class ResetLink:
    reset: PasswordReset
    account: Account


class ResetLinkInvalid(AppError):
    status = 410
    title = "Link no longer valid"


def open_reset(session: Session, reset_id: int) -> ResetLink:
    reset = session.get(PasswordReset, reset_id)
    if reset is None or reset.used_at is not None or reset.expires_at <= utcnow():
        raise ResetLinkInvalid("this link has been used or has expired; ask for a new one")
    account = session.get(Account, reset.account_id)
    if account is None or account.disabled_at is not None:
        raise ResetLinkInvalid("this link has been used or has expired; ask for a new one")
    return ResetLink(reset, account)


def reset_password(session: Session, reset_id: int, new_password: str) -> Account:
    """Set the new password; the link is spent, other links and every signed-in browser end."""
    link = open_reset(session, reset_id)
    check_password_rules(new_password)
    set_password(session, link.account, new_password)
    now = utcnow()
    for other in session.execute(
        select(PasswordReset).where(
            col(PasswordReset.account_id) == link.account.id, col(PasswordReset.used_at).is_(None)
        )
    ).scalars():
        other.used_at = now
    session.flush()
    return link.account


def set_password(session: Session, account: Account, password: str) -> None:
    check_password_rules(password)
    account.password_hash = hash_password(password)
    account.failed_sign_ins, account.locked_until = 0, None
    session.execute(delete(SignInSession).where(col(SignInSession.account_id) == account.id))
    session.flush()


def account_event_slugs(session: Session, account: Account) -> list[str]:
    rows = session.execute(
        select(col(Event.slug))
        .join(AccountEvent, col(AccountEvent.event_id) == col(Event.id))
        .where(col(AccountEvent.account_id) == account.id)
        .order_by(Event.slug)
    ).scalars()
    return list(rows)
