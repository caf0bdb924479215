"""The one place that includes every router: the API's, and the pages' (the public site's among them)."""

from __future__ import annotations

from fastapi import FastAPI

from app.agenda import pages as agenda_pages
from app.agenda import router as agenda_router
from app.attendance import pages as attendance_pages
from app.attendance import router as attendance_router
from app.backup import router as backup_router
from app.breakouts import pages as breakouts_pages
from app.breakouts import rapporteurs as rapporteur_pages
from app.breakouts import router as breakouts_router
from app.communications import mailing_router, rule_router
from app.communications import router as communications_router
from app.console.routes import ROUTERS as CONSOLE_ROUTERS
from app.core.problems import API_PREFIX
from app.directory import router as directory_router
from app.events import router as events_router
from app.registration import admin_router as registration_admin_router
from app.registration import pages as registration_pages
from app.registration import router as registration_router
from app.registration import unsubscribe as unsubscribe_pages
from app.reports import material_router as reports_material_router
from app.reports import router as reports_router
from app.site import pages as site_pages
from app.webhooks import router as webhooks_router

# The order of the documentation's sections (/docs), which no longer follows the routers' order.
API_TAGS = [
    {"name": "events", "description": "Events: dates, venue, seats, approval, publication, retention"},
    {"name": "agenda", "description": "Sessions, rooms and the people speaking, moderating or reporting"},
    {"name": "organisations", "description": "The organisations taking part"},
    {"name": "projects", "description": "The projects taking part"},
    {"name": "people", "description": "Speakers, moderators, facilitators and rapporteurs"},
    {"name": "registrations", "description": "Registrations, the waiting list, approval, questions, imports"},
    {"name": "attendance", "description": "Check-in on the day, badges and certificates"},
    {"name": "breakouts", "description": "Working groups, preferences and the optimal assignment"},
    {"name": "reports", "description": "The event report: its parts, templates and generated documents"},
    {"name": "messages", "description": "The texts of the emails sent to participants, per event"},
    {"name": "mailings", "description": "Messages to a chosen audience"},
    {"name": "rules", "description": "Scheduled emails: sent once, days before or after the event"},
    {"name": "webhooks", "description": "Calls to the organisers' other systems"},
    {"name": "health", "description": "Is the service up?"},
]


API_ROUTERS = [
    # Registrations first: a request is matched against the routes in order, and a public
    # registration, the busiest request by far, was matched after every other domain's routes
    # (0.4-0.7 ms of each one). No path of the routers after them is one theirs would catch.
    registration_admin_router.router,  # before registration_router: its /export, /import are literal
    registration_router.router,
    events_router.router,
    backup_router.router,
    agenda_router.router,
    directory_router.router,
    attendance_router.router,
    breakouts_router.router,
    reports_router.router,
    reports_material_router.router,
    communications_router.router,
    webhooks_router.router,
    mailing_router.router,
    rule_router.router,
]


def include_routers(app: FastAPI) -> None:
    # Each API router is included in the app itself, under the prefix, not in an /api/v1 router of
    # its own: FastAPI matches a request once per level of inclusion and, at each level, walks every
    # route below it to see whether the routes changed (in a registration's profile, matching fell from
    # about 11% of the event loop's time to about 1%).
    for router in API_ROUTERS:
        app.include_router(router, prefix=API_PREFIX)
    app.include_router(registration_router.page_router)
    app.include_router(reports_router.download_router)
    for module in (
        site_pages,
        registration_pages,
        agenda_pages,
        attendance_pages,
        breakouts_pages,
        rapporteur_pages,
        unsubscribe_pages,
    ):
        app.include_router(module.router)
    for console_router in CONSOLE_ROUTERS:
        app.include_router(console_router)
