"""A registration's history: who changed what, when. One row per change, written by the service
function that makes the change, in the same transaction, so the history has a row exactly when
the change happened.

``by`` names the person (an account or API token, as its principal names it); None means the
participant themselves on their own pages or form, or Convene acting on a rule (an expiry, a
promotion when a seat came free), as ``action`` tells.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, Column, ForeignKey, Integer, String, insert, select
from sqlalchemy.orm import Session
from sqlmodel import Field, SQLModel, col

from app.core.db import table_of
from app.core.types import UTCDateTime, enum_column, utcnow


class Change(str, enum.Enum):
    registered = "registered"
    email_confirmed = "email_confirmed"
    approved = "approved"
    rejected = "rejected"
    cancelled = "cancelled"
    expired = "expired"
    promoted = "promoted"  # by hand
    seat_came_free = "seat_came_free"  # promoted by the rule: first waiting, first seated
    edited = "edited"
    link_resent = "link_resent"
    erased = "erased"


CHANGE_LABELS = {
    Change.registered: "Registered",
    Change.email_confirmed: "Email address confirmed",
    Change.approved: "Approved",
    Change.rejected: "Rejected",
    Change.cancelled: "Cancelled",
    Change.expired: "Lapsed (email not confirmed in time)",
    Change.promoted: "Promoted from the waiting list",
    Change.seat_came_free: "Seated: a place came free",
    Change.edited: "Details changed",
    Change.link_resent: "Link sent again",
    Change.erased: "Personal data erased",
}


class RegistrationChange(SQLModel, table=True):
    __tablename__ = "registration_change"

    id: int = Field(default=None, primary_key=True)
    registration_id: int = Field(
        sa_column=Column(Integer, ForeignKey("registration.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    action: Change = Field(sa_column=Column(enum_column(Change, "registration_change_action"), nullable=False))
    by: str | None = Field(default=None, sa_column=Column(String(300), nullable=True))
    status: str = Field(sa_column=Column(String(32), nullable=False))  # the status after the change
    details: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False, default=dict))


# A plain INSERT, built once: registering is the busiest path and reads nothing back.
_INSERT = insert(table_of(RegistrationChange))


def record(
    session: Session, registration_id: int, status: str, action: Change, *, by: str | None = None, **details: object
) -> None:
    """Write one history row for a change made in this transaction (``details`` must be JSON)."""
    session.execute(
        _INSERT,
        {
            "registration_id": registration_id,
            "at": utcnow(),
            "action": action,
            "by": by,
            "status": status,
            "details": details,
        },
    )


def registration_history(session: Session, registration_id: int) -> list[RegistrationChange]:
    """Oldest first."""
    return list(
        session.execute(
            select(RegistrationChange)
            .where(col(RegistrationChange.registration_id) == registration_id)
            .order_by(col(RegistrationChange.at), col(RegistrationChange.id))
        ).scalars()
    )
