"""Ranked choices of breakout groups as posted from plain select boxes ("1st choice", "2nd choice"...),
on the participant's breakout page and on the public registration form; and which breakout sessions
take choices now (``open_choices``), for the form."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from app.agenda.models import AgendaSession
from app.breakouts.models import BreakoutGroup
from app.breakouts.service import breakout_sessions, groups_of, session_settings
from app.core.errors import InvalidInput
from app.core.fields import parse_id
from app.events.models import Event

ORDINALS = ["1st", "2nd", "3rd"]
CHOOSE_FROM_LIST = "choose a group from the list"


def ordinal(number: int) -> str:
    return ORDINALS[number - 1] if number <= len(ORDINALS) else f"{number}th"


def ranked_choices(submitted: list[str], *, field_prefix: str = "choice_") -> list[int]:
    """The chosen group ids in rank order; blank boxes are skipped, so a gap closes up.
    ``submitted`` holds the boxes' values, best rank first; box ``rank`` is the field ``field_prefix + rank``."""
    chosen: list[int] = []
    for rank, value in enumerate(submitted, start=1):
        if not value:
            continue
        group_id = parse_id(value)
        if group_id is None:
            raise InvalidInput(CHOOSE_FROM_LIST, field=f"{field_prefix}{rank}")
        chosen.append(group_id)
    return chosen


@dataclass(frozen=True)
class OpenChoice:
    """A breakout session whose groups are announced and whose choices are open: up to ``ranks`` of them."""

    item: AgendaSession
    ranks: int
    groups: list[BreakoutGroup]


def open_choices(session: Session, event: Event) -> list[OpenChoice]:
    found = []
    for item in breakout_sessions(session, event):
        settings = session_settings(session, item)
        if not settings.preferences_open:
            continue
        groups = groups_of(session, item)
        if groups:
            found.append(OpenChoice(item, settings.max_preferences, groups))
    return found
