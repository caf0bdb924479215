"""Every router of the console, in one list: ``app.api`` includes them, the tests walk them."""

from __future__ import annotations

from app.console import (
    agenda,
    auth,
    breakouts,
    breakouts_proposal,
    clone,
    day,
    emails,
    events,
    imports,
    mailings,
    messages,
    narrative,
    questions,
    registrations,
    report_templates,
    reports,
    rules,
    statistics,
    tokens,
    users,
    webhooks,
)

# imports before registrations: its /registrations/import must not be taken for a registration's id.
ROUTERS = [
    module.router
    for module in (
        auth,
        clone,
        emails,
        events,
        imports,
        registrations,
        agenda,
        questions,
        breakouts,
        breakouts_proposal,
        day,
        narrative,
        reports,
        report_templates,
        statistics,
        messages,
        mailings,
        rules,
        tokens,
        users,
        webhooks,
    )
]
