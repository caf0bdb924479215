"""Every router of the console, in one list: ``app.api`` includes them, the tests walk them."""

from __future__ import annotations

from app.console import agenda, auth, events, questions, registrations, tokens, users

ROUTERS = [module.router for module in (auth, events, registrations, agenda, questions, tokens, users)]
