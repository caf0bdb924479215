"""The registration state machine as a table: ``(status, action) -> status``. Pure, no database.

Some transitions lead to "the next step the registration still has to pass" rather than to a
fixed status: confirming one's email leads to the organiser's approval when the event asks for
it, else straight to ``confirmed``; a promotion from the waiting list leads to whichever step
is still open. Those entries hold ``NEXT_STEP`` and :func:`next_step` resolves them.
"""

from __future__ import annotations

import enum
from typing import Final

from app.core.errors import Conflict
from app.registration.models import RegistrationStatus as S


class Action(str, enum.Enum):
    confirm_email = "confirm_email"  # the participant followed the link in the email
    approve = "approve"  # the organiser accepts a pending registration
    reject = "reject"  # the organiser refuses it
    cancel = "cancel"  # the participant or the organiser withdraws it
    expire = "expire"  # the email was not confirmed in time
    promote = "promote"  # a seat came free for the first on the waiting list (or the organiser chose them)


NEXT_STEP: Final = "next_step"

TRANSITIONS: dict[tuple[S, Action], S | str] = {
    (S.pending_confirmation, Action.confirm_email): NEXT_STEP,
    (S.pending_confirmation, Action.cancel): S.cancelled,
    (S.pending_confirmation, Action.expire): S.expired,
    (S.pending_confirmation, Action.reject): S.rejected,
    (S.pending_approval, Action.approve): S.confirmed,
    (S.pending_approval, Action.reject): S.rejected,
    (S.pending_approval, Action.cancel): S.cancelled,
    (S.confirmed, Action.cancel): S.cancelled,
    # Confirming again (a second click on the link) changes nothing.
    (S.confirmed, Action.confirm_email): S.confirmed,
    (S.pending_approval, Action.confirm_email): S.pending_approval,
    # Someone waiting may prove their address early; the seat decision is not theirs to make.
    (S.waitlisted, Action.confirm_email): S.waitlisted,
    (S.waitlisted, Action.promote): NEXT_STEP,
    (S.waitlisted, Action.reject): S.rejected,
    (S.waitlisted, Action.cancel): S.cancelled,
}

ACTION_VERBS = {
    Action.confirm_email: "confirm the email of",
    Action.approve: "approve",
    Action.reject: "reject",
    Action.cancel: "cancel",
    Action.expire: "expire",
    Action.promote: "promote",
}


class InvalidTransition(Conflict):
    title = "Not possible in this state"


def next_step(*, email_pending: bool, approval_pending: bool) -> S:
    """The status of a registration holding a seat, given the steps it has not passed yet."""
    if email_pending:
        return S.pending_confirmation
    if approval_pending:
        return S.pending_approval
    return S.confirmed


def transition(status: S, action: Action, *, email_pending: bool = False, approval_pending: bool = False) -> S:
    """The status after ``action``; raises :class:`InvalidTransition` (409) when it is not allowed."""
    target = TRANSITIONS.get((status, action))
    if target is None:
        raise InvalidTransition(
            f"cannot {ACTION_VERBS[action]} a registration that is {status.value.replace('_', ' ')}"
        )
    if not isinstance(target, S):  # NEXT_STEP: the status depends on the steps not passed yet
        return next_step(email_pending=email_pending, approval_pending=approval_pending)
    return target
