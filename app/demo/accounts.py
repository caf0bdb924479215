"""The demo organiser: an account to sign in to the console with, the same on every run."""

from __future__ import annotations

import hashlib

from sqlalchemy.orm import Session

from app.accounts.passwords import verify_password
from app.accounts.service import create_account, find_account, set_disabled, set_password
from app.core.security import Role

DEMO_ORGANISER_EMAIL = "organiser@demo.example.org"


def demo_password(secret: str) -> str:
    """Derived from the installation secret: printed on every run, different on every installation."""
    return "demo-" + hashlib.blake2b(b"demo-organiser-password", key=secret.encode()[:64], digest_size=8).hexdigest()


def ensure_demo_organiser(session: Session, password: str) -> None:
    """Create the demo organiser (of every event) once; the password printed is always the one that works."""
    account = find_account(session, DEMO_ORGANISER_EMAIL)
    if account is None:
        create_account(
            session, email=DEMO_ORGANISER_EMAIL, display_name="Demo Organiser", password=password, role=Role.organiser
        )
    elif account.disabled_at is not None or not verify_password(account.password_hash, password):
        set_password(session, account, password)
        set_disabled(session, account, False)
