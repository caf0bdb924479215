"""Ranked choices of breakout groups as posted from plain select boxes ("1st choice", "2nd choice"...),
on the participant's breakout page and on the public registration form.

``BreakoutChoices`` is the registration form's section (``app/registration/form_sections.py``),
registered by ``create_app``: one fieldset per breakout session of the event whose groups are
announced and whose choices are open. The rules are the service's (``check_preferences``), checked
before the registration is written, and the choices saved with ``set_preferences`` once it exists.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from app.agenda.models import AgendaSession
from app.breakouts.models import BreakoutGroup
from app.breakouts.service import breakout_sessions, check_preferences, groups_of, session_settings, set_preferences
from app.core.errors import AppError, InvalidInput
from app.events.models import Event
from app.registration.form_sections import Fieldset, SectionInput, SelectBox
from app.registration.models import Registration

ORDINALS = ["1st", "2nd", "3rd"]
CHOOSE_FROM_LIST = "choose a group from the list"


def ordinal(number: int) -> str:
    return ORDINALS[number - 1] if number <= len(ORDINALS) else f"{number}th"


def ranked_choices(submitted: list[str], *, field_prefix: str = "choice_") -> list[int]:
    """The chosen group ids in rank order; blank boxes are skipped, so a gap closes up.
    ``submitted`` holds the boxes' values, best rank first; box ``rank`` is the field ``field_prefix + rank``."""
    for rank, value in enumerate(submitted, start=1):
        if value and not value.isdigit():
            raise InvalidInput(CHOOSE_FROM_LIST, field=f"{field_prefix}{rank}")
    return [int(value) for value in submitted if value]


# The section's saved data: each session with the group ids chosen, best first.
Chosen = list[tuple[AgendaSession, list[int]]]


@dataclass(frozen=True)
class _Open:
    item: AgendaSession
    ranks: int
    groups: list[BreakoutGroup]

    @property
    def name(self) -> str:
        return f"breakouts.{self.item.id}"

    def box(self, rank: int) -> str:
        return f"{self.name}.choice_{rank}"


class BreakoutChoices:
    """The registration form's breakout fieldsets. Choosing is optional."""

    def _open(self, session: Session, event: Event) -> list[_Open]:
        found = []
        for item in breakout_sessions(session, event):
            settings = session_settings(session, item)
            if not settings.preferences_open:
                continue
            groups = groups_of(session, item)
            if groups:
                found.append(_Open(item, settings.max_preferences, groups))
        return found

    def fieldsets(self, session: Session, event: Event) -> list[Fieldset]:
        fieldsets = []
        for choice in self._open(session, event):
            options = [(str(group.id), group.title) for group in choice.groups]
            ranks = choice.ranks
            fieldsets.append(Fieldset(
                name=choice.name, legend=f"{choice.item.title}: your choice of working group", label=choice.item.title,
                help=f"Optional. Rank up to {ranks} group{'s' if ranks > 1 else ''}, best first; you can change your "
                     "choices from your registration page until the organisers close them.",
                selects=[SelectBox(choice.box(rank), f"{ordinal(rank)} choice", options) for rank in range(1, ranks + 1)],
            ))
        return fieldsets

    def parse(self, session: Session, event: Event, form: FormData) -> SectionInput[Chosen]:
        parsed: SectionInput[Chosen] = SectionInput(data=[])
        for choice in self._open(session, event):
            submitted = [str(form.get(choice.box(rank)) or "") for rank in range(1, choice.ranks + 1)]
            try:
                group_ids = ranked_choices(submitted, field_prefix=f"{choice.name}.choice_")
                check_preferences(session, choice.item, group_ids, by_participant=True)
            except AppError as error:
                field, message = _where(error, choice, submitted)
                parsed.errors[field] = message
                continue
            if group_ids:
                parsed.data.append((choice.item, group_ids))
        return parsed

    def save(self, session: Session, registration: Registration, data: Chosen) -> None:
        for item, group_ids in data:
            set_preferences(session, item, registration, group_ids, by_participant=True)


def _where(error: AppError, choice: _Open, submitted: list[str]) -> tuple[str, str]:
    """The form's field for a refusal, and its message: a group the list did not offer is the box's;
    the rest (a group twice) is the fieldset's."""
    if error.field and error.field.startswith(choice.name + "."):
        return error.field, error.detail
    if error.field and error.field.startswith("group_ids."):
        # group_ids.N is the N-th box that was not left blank.
        ranks = [rank for rank, value in enumerate(submitted, start=1) if value]
        return choice.box(ranks[int(error.field.removeprefix("group_ids."))]), CHOOSE_FROM_LIST
    return choice.name, error.detail
