"""The participant behind a personal link ``/r/{token}``: the loader every participant page starts from."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends

from app.core.deps import SessionDep, SettingsDep
from app.events.models import Event
from app.registration.links import registration_for_token
from app.registration.models import Registration


@dataclass(frozen=True)
class Participant:
    token: str  # as in the link followed, for the page's own links
    registration: Registration
    event: Event

    @property
    def base(self) -> str:
        """The participant's page, which the other pages of the link sit under."""
        return f"/r/{self.token}"


def participant(token: str, session: SessionDep, settings: SettingsDep) -> Participant:
    """404 for a link we did not sign or that names no registration, 403 once it has expired."""
    registration = registration_for_token(session, settings, token)
    return Participant(token, registration, session.get_one(Event, registration.event_id))


ParticipantDep = Annotated[Participant, Depends(participant)]
