"""The workflow through the services: confirmation, approval, expiry, reminders, links, questions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from app.core.errors import InvalidInput
from app.core.types import utcnow
from app.notifications.models import OutboxEmail
from app.registration import service
from app.registration.housekeeping import run_housekeeping
from app.registration.links import InvalidLink, LinkExpired, participant_token, registration_for_token
from app.registration.models import Question, QuestionKind, Registration
from app.registration.models import RegistrationStatus as S
from app.registration.questions import validate_answers
from app.registration.schemas import RegistrationCreate, RegistrationUpdate
from app.registration.workflow import InvalidTransition
from tests.registration.conftest import add_registration, open_event, registration_payload


def _templates(session) -> list[str]:
    return list(session.execute(select(OutboxEmail.template).order_by(OutboxEmail.id)).scalars())


def test_email_then_approval_then_confirmed(session):
    event = open_event(session, email_confirmation=True, requires_approval=True)
    registration = add_registration(session, event)
    assert (registration.status, registration.expires_at is not None) == (S.pending_confirmation, True)
    service.confirm_email(session, registration)
    assert (registration.status, registration.expires_at) == (S.pending_approval, None)
    service.confirm_email(session, registration)  # a second click changes nothing
    service.approve_registration(session, registration)
    assert registration.status is S.confirmed and registration.confirmed_at is not None
    assert _templates(session) == ["confirm_email", "registered", "approved"]


def test_rejecting_a_seat_holder_promotes_the_first_waiting(session):
    event = open_event(session, capacity=1, requires_approval=True)
    holder, waiting = add_registration(session, event), add_registration(session, event)
    assert (holder.status, waiting.status) == (S.pending_approval, S.waitlisted)
    service.reject_registration(session, holder)
    assert (holder.status, waiting.status) == (S.rejected, S.pending_approval)
    with pytest.raises(InvalidTransition):
        service.approve_registration(session, holder)


def test_a_newcomer_learns_its_waiting_list_position_as_stored(session):
    event = open_event(session, capacity=1)
    add_registration(session, event)
    waiting = [add_registration(session, event) for _ in range(3)]
    event.capacity = 3  # two seats more: the first two waiting take them as the next one registers
    newcomer = service.register(session, event, RegistrationCreate(**registration_payload()))
    assert [w.status for w in waiting] == [S.confirmed, S.confirmed, S.waitlisted]
    assert newcomer.registration.status is S.waitlisted
    assert newcomer.waitlist_position == 2 == service.waitlist_position(session, newcomer.registration)
    emails = session.execute(
        select(OutboxEmail.template, OutboxEmail.context).where(OutboxEmail.to_address == newcomer.registration.email)
    ).all()
    assert [(template, context["waitlist_position"]) for template, context in emails] == [("waitlisted", 2)]


def test_unconfirmed_registrations_expire_and_free_their_seat(db):
    with db.transaction() as session:
        event = open_event(session, capacity=1, email_confirmation=True)
        unconfirmed, waiting = add_registration(session, event), add_registration(session, event)
        ids = unconfirmed.id, waiting.id
        session.execute(
            update(Registration)
            .where(Registration.id == unconfirmed.id)
            .values(expires_at=utcnow() - timedelta(minutes=1))
        )
    assert run_housekeeping(db) == 1
    assert run_housekeeping(db) == 0
    with db.transaction(write=False) as session:
        first, second = (session.get(Registration, id_) for id_ in ids)
        assert (first.status, second.status) == (S.expired, S.pending_confirmation)
        assert _templates(session)[-2:] == ["expired", "promoted"]


def test_reminders_are_queued_once_shortly_before_the_event(db):
    soon = utcnow() + timedelta(days=1)
    with db.transaction() as session:
        event = open_event(session, starts_at=soon.isoformat(), ends_at=(soon + timedelta(hours=8)).isoformat())
        add_registration(session, event)
        far = open_event(session)
        add_registration(session, far)
    assert run_housekeeping(db) == 1
    assert run_housekeeping(db) == 0
    with db.transaction(write=False) as session:
        assert _templates(session).count("reminder") == 1


def test_participant_links_refuse_forged_and_expired_tokens(session, settings):
    event = open_event(session)
    registration = add_registration(session, event)
    token = participant_token(settings, registration)
    assert registration_for_token(session, settings, token) is registration
    with pytest.raises(InvalidLink):
        registration_for_token(session, settings, token[:-2] + "xx")
    with pytest.raises(InvalidLink):
        registration_for_token(session, settings.model_copy(update={"secret_key": "another"}), token)
    event.starts_at, event.ends_at = utcnow() - timedelta(days=9), utcnow() - timedelta(days=8)
    with pytest.raises(LinkExpired):
        registration_for_token(session, settings, token)


def test_promotion_by_hand_respects_capacity_unless_overridden(session):
    event = open_event(session, capacity=1)
    add_registration(session, event)
    waiting = add_registration(session, event)
    with pytest.raises(service.EventFull):
        service.promote_registration(session, waiting)
    service.promote_registration(session, waiting, override_capacity=True)
    assert waiting.status is S.confirmed


def test_update_checks_answers_and_project(session):
    event = open_event(session)
    session.add(
        Question(
            event_id=event.id,
            key="diet",
            label="Diet",
            kind=QuestionKind.single_choice,
            required=True,
            options=["none", "vegan"],
        )
    )
    registration = add_registration(session, event, answers={"diet": "none"})
    with pytest.raises(InvalidInput) as bad:
        service.update_registration(session, registration, RegistrationUpdate(answers={"diet": "meat"}))
    assert bad.value.field == "answers.diet"
    service.update_registration(session, registration, RegistrationUpdate(answers={"diet": "vegan"}, country="FR"))
    assert (registration.answers, registration.country) == ({"diet": "vegan"}, "FR")


def _question(key, kind, required=False, options=()):
    return Question(key=key, label=key.title(), kind=kind, required=required, options=list(options))


@pytest.mark.parametrize(
    ("answers", "field"),
    [
        ({}, "answers.diet"),
        ({"diet": "meat"}, "answers.diet"),
        ({"diet": "vegan", "topics": ["Nope"]}, "answers.topics"),
        ({"diet": "vegan", "comment": 3}, "answers.comment"),
        ({"diet": "vegan", "comment": "x" * 2001}, "answers.comment"),
        ({"diet": "vegan", "photo": False}, "answers.photo"),
        ({"diet": "vegan", "photo": True, "lunch": "yes"}, "answers.lunch"),
        ({"diet": "vegan", "photo": True, "shoe_size": 42}, "answers.shoe_size"),
    ],
)
def test_bad_answers_name_their_question(answers, field):
    questions = [
        _question("diet", QuestionKind.single_choice, True, ["none", "vegan"]),
        _question("topics", QuestionKind.multiple_choice, False, ["Clusters", "SMEs"]),
        _question("comment", QuestionKind.text),
        _question("photo", QuestionKind.consent, True),
        _question("lunch", QuestionKind.yes_no, True),
    ]
    answers = {"photo": True, "lunch": False, **answers}
    with pytest.raises(InvalidInput) as bad:
        validate_answers(questions, answers)
    assert bad.value.field == field


def test_good_answers_are_normalised():
    questions = [
        _question("topics", QuestionKind.multiple_choice, True, ["Clusters", "SMEs"]),
        _question("lunch", QuestionKind.yes_no, True),
        _question("comment", QuestionKind.text),
    ]
    assert validate_answers(questions, {"topics": ["SMEs", "Clusters", "SMEs"], "lunch": False, "comment": " hi "}) == {
        "topics": ["Clusters", "SMEs"],
        "lunch": False,
        "comment": "hi",
    }
