"""``convene worker``: delivers the email outbox and runs queued jobs, until stopped or drained."""

from __future__ import annotations

import logging
import time
from datetime import timedelta

from app.accounts.links import reset_links
from app.communications.mailings import send_due_mailings
from app.communications.rules import run_due_rules
from app.core.config import Settings
from app.core.db import Database
from app.core.jobs import JobHandler, run_due_jobs
from app.notifications.delivery import deliver_due_emails
from app.registration.digest import send_approval_digests
from app.registration.housekeeping import run_housekeeping
from app.registration.links import email_links
from app.registration.retention import apply_retention, log_schedule
from app.registration.unsubscribe import unsubscribe_links
from app.reports.jobs import REPORT_JOB_HANDLERS
from app.webhooks.delivery import deliver_due_webhooks

log = logging.getLogger("convene.worker")

# Every job kind the application enqueues, and the function that runs it.
JOB_HANDLERS: dict[str, JobHandler] = {**REPORT_JOB_HANDLERS}


def email_context_links(settings: Settings, context: dict) -> dict:
    """Every link an email shows that must not be stored: participants' pages, unsubscribing, password resets."""
    return email_links(settings, context) | unsubscribe_links(settings, context) | reset_links(settings, context)


def drain(database: Database, settings: Settings) -> int:
    """Do everything that is due now; returns how many emails and jobs were handled."""
    handled = run_housekeeping(database)
    handled += apply_retention(database, settings)
    handled += send_approval_digests(database, settings)
    handled += send_due_mailings(database)  # queues their emails, delivered just below
    handled += run_due_rules(database)  # each sends a mailing: its emails too
    handled += deliver_due_emails(database, settings, extend_context=email_context_links)
    handled += deliver_due_webhooks(database, settings)
    return handled + run_due_jobs(database, JOB_HANDLERS, lease=timedelta(seconds=settings.worker_lease_seconds))


def run(settings: Settings, *, once: bool = False, interval: float = 2.0) -> None:
    database = Database(settings.database_url)
    try:
        log_schedule(database, settings)
        while True:
            handled = drain(database, settings)
            if once:
                log.info("drained %d item(s)", handled)
                return
            if not handled:
                time.sleep(interval)
    finally:
        database.dispose()
