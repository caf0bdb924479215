"""Delivering webhooks: claim due deliveries (app.core.queue), POST each signed, record each attempt at once.

A delivery is retried with exponential backoff (30 s, 1 min, 2 min, ... at most 6 h apart) until a
day after the change, then given up. Its hook is disabled after ``DISABLE_AFTER`` consecutive
failed attempts, or at once when the receiver answers 410 Gone. Each attempt's HTTP status,
response time and error are kept on the delivery. Timeouts are short: a slow receiver costs the
worker seconds, never the batch.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from datetime import timedelta

import httpx
from sqlalchemy import select

from app.core.config import Settings
from app.core.db import Database
from app.core.queue import Heartbeat, QueueStatus, claim
from app.core.types import utcnow
from app.webhooks.models import Webhook, WebhookDelivery

log = logging.getLogger("convene.webhooks")

BATCH_SIZE = 20
DISABLE_AFTER = 10
FIRST_RETRY = timedelta(seconds=30)
LONGEST_RETRY = timedelta(hours=6)
GIVE_UP_AFTER = timedelta(days=1)


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """``t=<unix>,v1=<hex HMAC-SHA256 of "t.body">``: the timestamp is signed too, so a captured
    delivery cannot be replayed later under a fresh one."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def _attempt(client: httpx.Client, hook: Webhook, delivery: WebhookDelivery) -> tuple[int | None, float, str | None]:
    """POST the delivery; (HTTP status or None, milliseconds, error or None)."""
    body = json.dumps({"id": delivery.id, **delivery.payload}, separators=(",", ":")).encode()
    headers = {"Content-Type": "application/json", "Convene-Event": delivery.event_type,
               "Convene-Delivery": str(delivery.id), "Convene-Signature": signature(hook.secret, int(time.time()), body)}
    started = time.monotonic()
    try:
        response = client.post(hook.url, content=body, headers=headers)
    except httpx.HTTPError as error:
        return None, (time.monotonic() - started) * 1000, f"{type(error).__name__}: {error}"
    elapsed = (time.monotonic() - started) * 1000
    if 200 <= response.status_code < 300:
        return response.status_code, elapsed, None
    return response.status_code, elapsed, f"HTTP {response.status_code}"


def _settle(database: Database, delivery_id: int, status: int | None, elapsed: float | None, error: str | None) -> bool:
    """Record one attempt on the delivery and its hook, in one transaction; whether the hook is now disabled."""
    with database.transaction() as session:
        delivery = session.get(WebhookDelivery, delivery_id)
        hook = session.get(Webhook, delivery.webhook_id)
        now = utcnow()
        delivery.response_status, delivery.response_ms, delivery.last_error = status, elapsed, error
        if error is None:
            delivery.status, delivery.finished_at = QueueStatus.done, now
            hook.consecutive_failures = 0
            return False
        if elapsed is not None:  # a real attempt, not one skipped for a disabled hook
            hook.consecutive_failures += 1
        if status == 410 and hook.enabled:
            hook.enabled, hook.disabled_reason = False, "the receiver answered 410 Gone"
        elif hook.enabled and hook.consecutive_failures >= DISABLE_AFTER:
            hook.enabled, hook.disabled_reason = False, f"{DISABLE_AFTER} consecutive failed deliveries"
        retry_at = now + min(FIRST_RETRY * 2 ** max(delivery.attempts - 1, 0), LONGEST_RETRY)
        if not hook.enabled or retry_at > delivery.created_at + GIVE_UP_AFTER:
            delivery.status, delivery.finished_at = QueueStatus.failed, now
        else:
            delivery.status, delivery.due_at = QueueStatus.queued, retry_at
        return not hook.enabled


def deliver_due_webhooks(database: Database, settings: Settings, *, batch_size: int = BATCH_SIZE) -> int:
    """POST every delivery that is due; returns how many were answered 2xx."""
    lease = timedelta(seconds=settings.worker_lease_seconds)
    timeout = httpx.Timeout(settings.webhooks_timeout_seconds)
    delivered = 0
    with httpx.Client(timeout=timeout, follow_redirects=False) as client:
        while batch := claim(database, WebhookDelivery, limit=batch_size, lease=lease):
            with Heartbeat(database, WebhookDelivery, [item.id for item in batch], lease) as heartbeat:
                with database.transaction(write=False) as session:
                    hooks = {hook.id: hook for hook in session.execute(select(Webhook).where(
                        Webhook.id.in_({item.webhook_id for item in batch}))).scalars()}
                    for hook in hooks.values():
                        session.expunge(hook)
                for item in batch:
                    hook = hooks[item.webhook_id]
                    if hook.enabled:
                        status, elapsed, error = _attempt(client, hook, item)
                    else:
                        status, elapsed, error = None, None, "the hook is disabled"
                    heartbeat.release(item.id)
                    if _settle(database, item.id, status, elapsed, error):
                        hook.enabled = False  # the rest of the batch skips it too
                    delivered += error is None
    return delivered
