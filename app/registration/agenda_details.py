"""Extra items shown under sessions of the public event page, contributed by the modules above registration.

Registration may not import them (breakouts, for one), yet the event page should show, say, a breakout
session's working groups. So the composition layer registers ``AgendaDetails`` (``extensions.py``);
the event page asks each for its items, once per page, and shows them under
their session side by side, like parallel sessions. Read only: a provider writes nothing, and gathers
the whole event's items in a fixed number of queries.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy.orm import Session

from app.events.models import Event


@dataclass(frozen=True)
class AgendaItem:
    """One thing shown under a session: plain text only, escaped by the page like everything else."""

    title: str
    room: str | None = None
    person: str | None = None  # who leads it (a group's facilitator)
    note: str | None = None  # shown in small text (a group's theme)


class AgendaDetails(Protocol):
    def items(self, session: Session, event: Event) -> Mapping[int, list[AgendaItem]]:
        """Agenda session id -> its items, in order; sessions with nothing to add are left out."""
        ...


def session_items(session: Session, event: Event, details: Sequence[AgendaDetails]) -> dict[int, list[AgendaItem]]:
    """Every provider's items for the event, merged by agenda session id."""
    merged: dict[int, list[AgendaItem]] = {}
    for provider in details:
        for session_id, items in provider.items(session, event).items():
            merged.setdefault(session_id, []).extend(items)
    return merged
