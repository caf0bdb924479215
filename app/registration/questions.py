"""An event's custom questions and the server-side check of the answers given to them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session
from sqlmodel import col

from app.core.errors import Conflict, InvalidInput, NotFound
from app.events.models import Event
from app.registration.models import Question, QuestionKind
from app.registration.schemas import QuestionCreate, QuestionUpdate

MAX_TEXT_ANSWER = 2000
CHOICE_KINDS = (QuestionKind.single_choice, QuestionKind.multiple_choice)


# Built once: every registration reads its event's questions, and composing the statement each
# time cost about as much as running it.
_EVENT_QUESTIONS = (
    select(Question)
    .where(col(Question.event_id) == bindparam("event_id"))
    .order_by(col(Question.position), col(Question.id))
)


def event_questions(session: Session, event: Event) -> list[Question]:
    return list(session.execute(_EVENT_QUESTIONS, {"event_id": event.id}).scalars())


def get_question_of_event(session: Session, event: Event, question_id: int) -> Question:
    question = session.get(Question, question_id)
    if question is None or question.event_id != event.id:
        raise NotFound(f"event {event.id} has no question with id {question_id}")
    return question


def _check_options(kind: QuestionKind, options: list[str]) -> None:
    if kind in CHOICE_KINDS and len(options) < 2:
        raise InvalidInput("a choice question needs at least two options", field="options")
    if kind not in CHOICE_KINDS and options:
        raise InvalidInput(f"a {kind.value} question takes no options", field="options")
    if len(set(options)) != len(options):
        raise InvalidInput("the options must differ from one another", field="options")


def create_question(session: Session, event: Event, data: QuestionCreate) -> Question:
    _check_options(data.kind, data.options)
    taken = session.execute(
        select(col(Question.id)).where(col(Question.event_id) == event.id, col(Question.key) == data.key)
    ).first()
    if taken is not None:
        raise Conflict(f"this event already has a question with key {data.key!r}", field="key")
    position = data.position
    if position is None:
        last = session.execute(select(func.max(Question.position)).where(col(Question.event_id) == event.id)).scalar()
        position = 0 if last is None else last + 1
    question = Question(event_id=event.id, **data.model_dump(exclude={"position"}), position=position)
    session.add(question)
    session.flush()
    return question


def update_question(session: Session, question: Question, data: QuestionUpdate) -> Question:
    changes = data.model_dump(exclude_unset=True)
    _check_options(question.kind, changes.get("options", question.options))
    for key, value in changes.items():
        setattr(question, key, value)
    session.flush()
    return question


def delete_question(session: Session, question: Question) -> None:
    # Answers already given stay in the registrations (and in exports) under the old key.
    session.delete(question)
    session.flush()


def _is_blank(question: Question, value: Any) -> bool:
    # "No" answers a yes/no question; a consent that is not given is no consent.
    return value is None or value == "" or value == [] or (value is False and question.kind is QuestionKind.consent)


def _check_answer(question: Question, value: Any, field: str) -> Any:
    kind = question.kind
    if kind is QuestionKind.text:
        if not isinstance(value, str):
            raise InvalidInput("the answer must be text", field=field)
        value = value.strip()
        if len(value) > MAX_TEXT_ANSWER:
            raise InvalidInput(f"the answer is too long (at most {MAX_TEXT_ANSWER} characters)", field=field)
        return value
    if kind is QuestionKind.single_choice:
        if value not in question.options:
            raise InvalidInput(f"choose one of: {', '.join(question.options)}", field=field)
        return value
    if kind is QuestionKind.multiple_choice:
        if not isinstance(value, list) or any(item not in question.options for item in value):
            raise InvalidInput(f"choose among: {', '.join(question.options)}", field=field)
        return [option for option in question.options if option in value]  # display order, no repeats
    if not isinstance(value, bool):  # yes_no and consent
        raise InvalidInput("the answer must be true or false", field=field)
    return value


def validate_answers(questions: list[Question], answers: dict[str, Any]) -> dict:
    """The answers checked against the questions and normalised; raises InvalidInput(field="answers.<key>")."""
    known = {question.key: question for question in questions}
    for key in answers:
        if key not in known:
            raise InvalidInput(f"this event has no question {key!r}", field=f"answers.{key}")
    cleaned: dict[str, Any] = {}
    for question in questions:
        field = f"answers.{question.key}"
        value = answers.get(question.key)
        if value is not None:
            value = _check_answer(question, value, field)
        if question.required and _is_blank(question, value):
            message = "this consent is required" if question.kind is QuestionKind.consent else "an answer is required"
            raise InvalidInput(f"{question.label}: {message}", field=field)
        if value is not None:
            cleaned[question.key] = value
    return cleaned


def move_question(session: Session, event: Event, question: Question, step: int) -> Question:
    """Move a question one place up (-1) or down (+1) in the form; the positions become 0, 1, 2...
    The first cannot go up nor the last down (nothing changes)."""
    ordered = event_questions(session, event)
    index = ordered.index(question)
    target = index + step
    if 0 <= target < len(ordered):
        ordered[index], ordered[target] = ordered[target], ordered[index]
    for position, item in enumerate(ordered):
        item.position = position
    session.flush()
    return question
