"""The transition table, checked for every (status, action) pair."""

from __future__ import annotations

import itertools

import pytest

from app.registration.models import RegistrationStatus as S
from app.registration.workflow import NEXT_STEP, TRANSITIONS, Action, InvalidTransition, next_step, transition

# Written out in full so that a change to the table is a deliberate change to this test too.
EXPECTED: dict[tuple[S, Action], S | str] = {
    (S.pending_confirmation, Action.confirm_email): NEXT_STEP,
    (S.pending_confirmation, Action.cancel): S.cancelled,
    (S.pending_confirmation, Action.expire): S.expired,
    (S.pending_confirmation, Action.reject): S.rejected,
    (S.pending_approval, Action.approve): S.confirmed,
    (S.pending_approval, Action.reject): S.rejected,
    (S.pending_approval, Action.cancel): S.cancelled,
    (S.pending_approval, Action.confirm_email): S.pending_approval,
    (S.confirmed, Action.cancel): S.cancelled,
    (S.confirmed, Action.confirm_email): S.confirmed,
    (S.waitlisted, Action.confirm_email): S.waitlisted,
    (S.waitlisted, Action.promote): NEXT_STEP,
    (S.waitlisted, Action.reject): S.rejected,
    (S.waitlisted, Action.cancel): S.cancelled,
}
ALL_PAIRS = list(itertools.product(S, Action))


def test_the_table_is_exactly_the_expected_one():
    assert TRANSITIONS == EXPECTED


@pytest.mark.parametrize(("status", "action"), ALL_PAIRS, ids=[f"{s.value}-{a.value}" for s, a in ALL_PAIRS])
def test_every_pair_either_moves_as_the_table_says_or_is_refused(status, action):
    expected = EXPECTED.get((status, action))
    if expected is None:
        with pytest.raises(InvalidTransition) as refused:
            transition(status, action)
        assert refused.value.status == 409
        assert status.value.replace("_", " ") in refused.value.detail
    elif expected == NEXT_STEP:
        for email_pending, approval_pending in itertools.product((True, False), repeat=2):
            assert transition(
                status, action, email_pending=email_pending, approval_pending=approval_pending
            ) is next_step(email_pending=email_pending, approval_pending=approval_pending)
    else:
        assert transition(status, action, email_pending=True, approval_pending=True) is expected


def test_next_step_asks_for_the_email_first_then_approval():
    assert next_step(email_pending=True, approval_pending=True) is S.pending_confirmation
    assert next_step(email_pending=False, approval_pending=True) is S.pending_approval
    assert next_step(email_pending=False, approval_pending=False) is S.confirmed


@pytest.mark.parametrize("final", [S.cancelled, S.rejected, S.expired])
def test_final_statuses_allow_nothing(final):
    assert not [action for action in Action if (final, action) in TRANSITIONS]
