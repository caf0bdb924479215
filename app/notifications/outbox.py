"""Queueing an email: a row in the outbox, in the caller's transaction."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.notifications.catalogue import check_template
from app.notifications.models import OutboxEmail


def queue_email(
    session: Session, *, template: str, to: str, context: dict, dedup_key: str | None = None
) -> OutboxEmail:
    """Queue ``template`` for ``to``; ``context`` must be JSON-serialisable (it is stored).

    With a ``dedup_key`` already queued, nothing new is queued and the existing row is returned.
    """
    check_template(template)
    if dedup_key is not None:
        existing = session.execute(select(OutboxEmail).where(OutboxEmail.dedup_key == dedup_key)).scalar_one_or_none()
        if existing is not None:
            return existing
    email = OutboxEmail(template=template, to_address=to, context=context, dedup_key=dedup_key)
    session.add(email)
    session.flush()
    return email
