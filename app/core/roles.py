"""The roles an API token can have; a module of its own so that the CLI can offer them cheaply."""

from __future__ import annotations

import enum


class Role(str, enum.Enum):
    admin = "admin"
    organiser = "organiser"
    checkin = "checkin"
