"""Delivering the outbox: claim due emails, render, send over SMTP, record each outcome at once.

The outbox is a queue (app.core.queue): claims are leased and renewed by a heartbeat while the
worker lives, and each email's outcome is committed as soon as the server has answered for it,
so a worker killed mid-batch repeats at most the one email in flight, and that one carries the
same Message-ID as before, so mail clients can recognise the repeat.

Two kinds of failure are told apart: when the server cannot be reached, nothing is the
email's fault, so it is retried for as long as it takes (backoff capped at an hour) and never
given up; when the server refuses this message (or it cannot be rendered), it is retried
``MAX_ATTEMPTS`` times and then marked ``failed``.
"""

from __future__ import annotations

import logging
import smtplib
from datetime import timedelta
from email.message import EmailMessage

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlmodel import col

from app.core.config import Settings
from app.core.db import Database
from app.core.queue import Heartbeat, QueueStatus, claim, record
from app.notifications.event_texts import texts_for
from app.notifications.models import OutboxEmail
from app.notifications.reading import ContextExtender, is_development, links_in, list_outbox, render_outbox_email
from app.notifications.smtp import build_message, connect, message_id, parse_smtp_url
from app.notifications.texts import Text

log = logging.getLogger("convene.delivery")

BATCH_SIZE = 50


def _message(email: OutboxEmail, settings: Settings, extend: ContextExtender | None, text: Text | None) -> EmailMessage:
    return build_message(
        sender=settings.mail_from,
        to=email.to_address,
        email=render_outbox_email(email, settings, extend, text=text),
        message_id=message_id(email.id, email.created_at, settings.mail_from),
    )


def _send(
    database: Database,
    batch: list[OutboxEmail],
    settings: Settings,
    extend: ContextExtender | None,
    heartbeat: Heartbeat,
    smtp_url: str,
) -> tuple[int, bool]:
    """Send ``batch`` through ``smtp_url``, recording each email's outcome as it comes; returns (sent, server reachable)."""

    def settle(email_id: int, error: str | None = None, *, gives_up: bool | None = None) -> None:
        heartbeat.release(email_id)
        record(database, OutboxEmail, email_id, error=error, gives_up=gives_up)

    with database.transaction(write=False) as session:
        texts = texts_for(session, batch)  # the events' own texts, read once for the batch
    messages = {}
    for email in batch:
        try:
            messages[email.id] = _message(email, settings, extend, texts.get(email.id))
        except Exception as error:  # a broken template or context: this email's fault, recorded on it
            log.exception("cannot render email %s (%s)", email.id, email.template)
            settle(email.id, f"render: {type(error).__name__}: {error}")
    pending = [email.id for email in batch if email.id in messages]
    sent = 0
    try:
        with connect(parse_smtp_url(smtp_url)) as smtp:
            while pending:
                email_id = pending[0]
                try:
                    smtp.send_message(messages[email_id])
                    refused = None
                except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as refusal:
                    refused = f"{type(refusal).__name__}: {refusal}"
                settle(pending.pop(0), refused)
                sent += refused is None
    except (OSError, smtplib.SMTPException) as error:  # refused connection, timeout, disconnect
        log.warning("SMTP server unreachable, %d email(s) will be retried: %s", len(pending), error)
        for email_id in pending:
            settle(email_id, f"{type(error).__name__}: {error}", gives_up=False)
        return sent, False
    return sent, True


class _UnsentReport:
    """Without an SMTP server, emails stay queued; the log says so when their number changes, and
    names each new one (recipient and subject; on a development machine its links too), so a
    participant's link can be reached without a mail server. ``convene outbox`` reads them all."""

    last_count = 0
    last_logged_id = 0
    shown_per_pass = 20

    @classmethod
    def update(cls, database: Database, settings: Settings, extend: ContextExtender | None) -> None:
        with database.transaction(write=False) as session:
            waiting = _count_queued(session)
            new = list_outbox(
                session, status=QueueStatus.queued, after_id=cls.last_logged_id, limit=cls.shown_per_pass + 1
            )
            texts = texts_for(session, new[: cls.shown_per_pass])
        if waiting != cls.last_count:
            log.warning("%d email(s) queued and kept: set CONVENE_SMTP_URL to send them", waiting)
            cls.last_count = waiting
        if not new:
            return
        cls.last_logged_id = new[0].id
        if len(new) > cls.shown_per_pass:
            log.info("more emails queued than shown here: `convene outbox list` lists them all")
        for email in reversed(new[: cls.shown_per_pass]):
            cls._log(email, settings, extend, texts.get(email.id))

    @staticmethod
    def _log(email: OutboxEmail, settings: Settings, extend: ContextExtender | None, text: Text | None) -> None:
        try:
            rendered = render_outbox_email(email, settings, extend, text=text)
        except Exception as error:  # logged, not raised: the worker's other work goes on
            log.warning("queued email %s to %s cannot be rendered: %s", email.id, email.to_address, error)
            return
        links = " ".join(links_in(rendered)) if is_development(settings) else "(`convene outbox show` shows them)"
        log.info("queued email %s to %s: %s; links: %s", email.id, email.to_address, rendered.subject, links)


def _count_queued(session: Session) -> int:
    return session.execute(
        select(func.count())
        .select_from(OutboxEmail)
        .where(col(OutboxEmail.status).in_((QueueStatus.queued, QueueStatus.running)))
    ).scalar_one()


def deliver_due_emails(
    database: Database,
    settings: Settings,
    *,
    extend_context: ContextExtender | None = None,
    batch_size: int = BATCH_SIZE,
) -> int:
    """Send every email that is due; returns how many were sent. Stops early when the server is down."""
    if not settings.smtp_url:
        _UnsentReport.update(database, settings, extend_context)
        return 0
    lease = timedelta(seconds=settings.worker_lease_seconds)
    sent = 0
    while batch := claim(database, OutboxEmail, limit=batch_size, lease=lease):
        with Heartbeat(database, OutboxEmail, [email.id for email in batch], lease) as heartbeat:
            sent_now, reachable = _send(database, batch, settings, extend_context, heartbeat, settings.smtp_url)
        sent += sent_now
        if not reachable:
            break
    return sent
