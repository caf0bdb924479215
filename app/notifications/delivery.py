"""Delivering the outbox: claim due emails, render, send over SMTP, record the outcome.

A claim marks rows ``sending`` with a lease (``next_attempt_at`` = now + LEASE) and commits, so
several workers never send one email twice (PostgreSQL: ``FOR UPDATE SKIP LOCKED``; SQLite
serialises the claiming transaction), and a worker that dies mid-send only delays its emails
until the lease runs out. Failures keep the email queued with exponential backoff.

Two kinds of failure are told apart: when the server cannot be reached, nothing is the
email's fault, so it is retried for as long as it takes (backoff capped at an hour) and never
given up; when the server refuses this message (or it cannot be rendered), it is retried
``MAX_ATTEMPTS`` times and then marked ``failed``.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.core.config import Settings
from app.core.db import Database
from app.core.types import utcnow
from app.notifications.catalogue import render_email
from app.notifications.models import EmailStatus, OutboxEmail
from app.notifications.smtp import build_message, connect, parse_smtp_url

log = logging.getLogger("convene.delivery")

BATCH_SIZE = 50
LEASE = timedelta(minutes=5)
MAX_ATTEMPTS = 5
FIRST_RETRY = timedelta(seconds=30)
LONGEST_RETRY = timedelta(hours=1)

# Adds what the stored context must not hold (e.g. a participant's signed link) at delivery.
ContextExtender = Callable[[Settings, dict], dict]


@dataclass(frozen=True)
class ClaimedEmail:
    id: int
    template: str
    to: str
    context: dict
    attempts: int


@dataclass
class Outcome:
    sent: list[int] = field(default_factory=list)
    refused: dict[int, str] = field(default_factory=dict)  # the message's own fault: counts towards failing
    unreachable: dict[int, str] = field(default_factory=dict)  # the server's: retried without limit


def retry_delay(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min, ... up to one hour."""
    return min(FIRST_RETRY * 2 ** max(attempts - 1, 0), LONGEST_RETRY)


def _claim(database: Database, limit: int) -> list[ClaimedEmail]:
    with database.transaction() as session:
        now = utcnow()
        statement = (
            select(OutboxEmail)
            .where(OutboxEmail.status.in_((EmailStatus.queued, EmailStatus.sending)), OutboxEmail.next_attempt_at <= now)
            .order_by(OutboxEmail.next_attempt_at, OutboxEmail.id).limit(limit)
        )
        if not database.is_sqlite:
            statement = statement.with_for_update(skip_locked=True)
        claimed = []
        for email in session.execute(statement).scalars():
            email.status, email.attempts, email.next_attempt_at = EmailStatus.sending, email.attempts + 1, now + LEASE
            claimed.append(ClaimedEmail(email.id, email.template, email.to_address, dict(email.context), email.attempts))
        return claimed


def _send(batch: list[ClaimedEmail], settings: Settings, extend: ContextExtender | None) -> Outcome:
    outcome = Outcome()
    messages = {}
    for email in batch:
        try:
            context = {"base_url": settings.base_url, **email.context, **(extend(settings, email.context) if extend else {})}
            messages[email.id] = build_message(sender=settings.mail_from, to=email.to, email=render_email(email.template, context))
        except Exception as error:  # a broken template or context: this email's fault, recorded on it
            log.exception("cannot render email %s (%s)", email.id, email.template)
            outcome.refused[email.id] = f"render: {type(error).__name__}: {error}"
    pending = [email.id for email in batch if email.id in messages]
    try:
        with connect(parse_smtp_url(settings.smtp_url)) as smtp:
            while pending:
                email_id = pending[0]
                try:
                    smtp.send_message(messages[email_id])
                    outcome.sent.append(email_id)
                except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as error:
                    outcome.refused[email_id] = f"{type(error).__name__}: {error}"
                pending.pop(0)
    except (OSError, smtplib.SMTPException) as error:  # refused connection, timeout, disconnect
        log.warning("SMTP server unreachable, %d email(s) will be retried: %s", len(pending), error)
        outcome.unreachable.update({email_id: f"{type(error).__name__}: {error}" for email_id in pending})
    return outcome


def _record(database: Database, outcome: Outcome) -> None:
    with database.transaction() as session:
        now = utcnow()
        ids = outcome.sent + list(outcome.refused) + list(outcome.unreachable)
        for email in session.execute(select(OutboxEmail).where(OutboxEmail.id.in_(ids))).scalars():
            if email.id in outcome.sent:
                email.status, email.sent_at, email.last_error = EmailStatus.sent, now, None
                continue
            email.last_error = outcome.refused.get(email.id) or outcome.unreachable[email.id]
            gives_up = email.id in outcome.refused and email.attempts >= MAX_ATTEMPTS
            email.status = EmailStatus.failed if gives_up else EmailStatus.queued
            email.next_attempt_at = now + retry_delay(email.attempts)


class _UnsentReport:
    """Without an SMTP server, emails stay queued; the log says so when their number changes."""

    last_count = 0

    @classmethod
    def update(cls, database: Database) -> None:
        with database.transaction(write=False) as session:
            waiting = _count_queued(session)
        if waiting != cls.last_count:
            log.warning("%d email(s) queued and kept: set CONVENE_SMTP_URL to send them", waiting)
            cls.last_count = waiting


def _count_queued(session: Session) -> int:
    return session.execute(
        select(func.count()).select_from(OutboxEmail).where(OutboxEmail.status != EmailStatus.sent,
                                                            OutboxEmail.status != EmailStatus.failed)
    ).scalar_one()


def deliver_due_emails(
    database: Database, settings: Settings, *, extend_context: ContextExtender | None = None, batch_size: int = BATCH_SIZE
) -> int:
    """Send every email that is due; returns how many were sent. Stops early when the server is down."""
    if not settings.smtp_url:
        _UnsentReport.update(database)
        return 0
    sent = 0
    while batch := _claim(database, batch_size):
        outcome = _send(batch, settings, extend_context)
        _record(database, outcome)
        sent += len(outcome.sent)
        if outcome.unreachable:
            break
    return sent
