"""The participant behind a personal link ``/r/{token}``: the loader every participant page starts from."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends

from app.core.deps import SessionDep, SettingsDep
from app.events.models import Event
from app.registration.links import calendar_feed_url, registration_for_token
from app.registration.models import Registration


@dataclass(frozen=True)
class Participant:
    token: str  # as in the link followed, for the page's own links
    registration: Registration
    event: Event
    calendar_url: str = ""  # their calendar feed's address (https or http)

    @property
    def base(self) -> str:
        """The participant's page, which the other pages of the link sit under."""
        return f"/r/{self.token}"

    @property
    def webcal_url(self) -> str:
        """The feed's address as ``webcal://``, which calendar applications open as a subscription."""
        return "webcal://" + self.calendar_url.split("://", 1)[1] if self.calendar_url else ""


def participant(token: str, session: SessionDep, settings: SettingsDep) -> Participant:
    """404 for a link we did not sign or that names no registration, 403 once it has expired."""
    registration = registration_for_token(session, settings, token)
    return Participant(
        token,
        registration,
        session.get_one(Event, registration.event_id),
        calendar_url=calendar_feed_url(settings, registration),
    )


ParticipantDep = Annotated[Participant, Depends(participant)]
