"""The registration form's breakout fieldsets: one per breakout session whose choices are open,
a select box per rank. Choosing is optional. The rules are the breakouts service's
(``check_preferences``), checked before the registration is written; the choices are saved with
``set_preferences`` once it exists, in the same transaction."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from app.agenda.models import AgendaSession
from app.breakouts.choices import CHOOSE_FROM_LIST, OpenChoice, ordinal, ranked_choices
from app.breakouts.service import check_preferences, set_preferences
from app.core.errors import AppError
from app.registration.models import Registration


@dataclass(frozen=True)
class SelectBox:
    name: str  # the posted field; an error about this box is keyed by it too
    label: str
    options: list[tuple[str, str]]  # (value, text), after a blank "(no choice)"


@dataclass(frozen=True)
class Fieldset:
    name: str  # the key of an error about the fieldset as a whole
    legend: str
    label: str  # names the fieldset in the error summary, far from it
    help: str
    selects: list[SelectBox]


def _name(choice: OpenChoice) -> str:
    return f"breakouts.{choice.item.id}"


def _box(choice: OpenChoice, rank: int) -> str:
    return f"{_name(choice)}.choice_{rank}"


def fieldsets(choices: list[OpenChoice]) -> list[Fieldset]:
    shown = []
    for choice in choices:
        options = [(str(group.id), group.title) for group in choice.groups]
        ranks = choice.ranks
        shown.append(
            Fieldset(
                name=_name(choice),
                legend=f"{choice.item.title}: your choice of working group",
                label=choice.item.title,
                help=f"Optional. Rank up to {ranks} group{'s' if ranks > 1 else ''}, best first; you can change your "
                "choices from your registration page until the organisers close them.",
                selects=[
                    SelectBox(_box(choice, rank), f"{ordinal(rank)} choice", options) for rank in range(1, ranks + 1)
                ],
            )
        )
    return shown


def posted_values(form: FormData, shown: list[Fieldset]) -> dict[str, str]:
    """What was chosen in the boxes, to show the form again with it."""
    return {box.name: str(form.get(box.name) or "") for fieldset in shown for box in fieldset.selects}


def field_labels(shown: list[Fieldset]) -> dict[str, str]:
    """Labels for the error summary: the fieldset's, and "<fieldset>, <box>" for each box."""
    labels = {fieldset.name: fieldset.label for fieldset in shown}
    labels.update({box.name: f"{fieldset.label}, {box.label}" for fieldset in shown for box in fieldset.selects})
    return labels


# Each session with the group ids chosen, best first.
Chosen = list[tuple[AgendaSession, list[int]]]


@dataclass
class ParsedChoices:
    chosen: Chosen = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)  # form field -> message


def parse(session: Session, choices: list[OpenChoice], form: FormData) -> ParsedChoices:
    """The posted choices checked against the service's rules, writing nothing."""
    parsed = ParsedChoices()
    for choice in choices:
        submitted = [str(form.get(_box(choice, rank)) or "") for rank in range(1, choice.ranks + 1)]
        try:
            group_ids = ranked_choices(submitted, field_prefix=f"{_name(choice)}.choice_")
            check_preferences(session, choice.item, group_ids, by_participant=True)
        except AppError as error:
            name, message = _where(error, choice, submitted)
            parsed.errors[name] = message
            continue
        if group_ids:
            parsed.chosen.append((choice.item, group_ids))
    return parsed


def save(session: Session, registration: Registration, chosen: Chosen) -> None:
    for item, group_ids in chosen:
        set_preferences(session, item, registration, group_ids, by_participant=True)


def _where(error: AppError, choice: OpenChoice, submitted: list[str]) -> tuple[str, str]:
    """The form's field for a refusal, and its message: a group the list did not offer is the box's;
    the rest (a group twice) is the fieldset's."""
    if error.field and error.field.startswith(_name(choice) + "."):
        return error.field, error.detail
    if error.field and error.field.startswith("group_ids."):
        # group_ids.N is the N-th box that was not left blank.
        ranks = [rank for rank, value in enumerate(submitted, start=1) if value]
        return _box(choice, ranks[int(error.field.removeprefix("group_ids."))]), CHOOSE_FROM_LIST
    return _name(choice), error.detail
