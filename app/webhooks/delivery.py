"""Delivering webhooks: claim due deliveries (app.core.queue), POST each signed, record each attempt at once.

A delivery is retried with exponential backoff (30 s, 1 min, 2 min, ... at most 6 h apart) until a
day after the change, then given up. Its hook is disabled after ``DISABLE_AFTER`` consecutive
failed attempts, or at once when the receiver answers 410 Gone. Each attempt's HTTP status,
response time and error are kept on the delivery. Unless private addresses are allowed, the hook's
host is resolved again before each attempt and the request goes to the address just checked: a name
that now points at a loopback or private address gets a failed attempt and no request. Timeouts are short: a slow receiver costs the
worker seconds, never the batch.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from datetime import timedelta
from urllib.parse import urlsplit

import httpx
from sqlalchemy import select
from sqlmodel import col

from app.core.config import Settings
from app.core.db import Database
from app.core.queue import Heartbeat, QueueStatus, claim
from app.core.types import utcnow
from app.webhooks.models import Webhook, WebhookDelivery
from app.webhooks.service import Address, resolve

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


class Unroutable(Exception):
    """The hook's host does not resolve, or resolves to an address a delivery must not reach."""


def checked_address(url: str) -> Address:
    """The one address a delivery to ``url`` connects to, resolved now and checked publicly routable.
    A name that passed the check when the hook was registered may point elsewhere since (DNS
    rebinding): every address it now has must be routable, and the request goes to the address
    checked, never to a second lookup that could answer differently."""
    host = urlsplit(url).hostname or ""
    try:
        addresses = resolve(host)
    except OSError as error:
        raise Unroutable(f"the host {host!r} cannot be resolved: {error}") from error
    refused = [str(address) for address in addresses if not address.is_global]
    if refused or not addresses:
        raise Unroutable(
            f"the host {host!r} resolves to a private or non-routable address ({', '.join(refused)}); not sent"
        )
    return addresses[0]


def post_to(
    client: httpx.Client, url: str, address: Address | None, *, content: bytes, headers: dict[str, str]
) -> httpx.Response:
    """POST to ``url``, connecting to ``address`` when given (no lookup of the URL's host): the Host
    header, and for https the TLS server name and certificate check, still use the URL's own host."""
    target = httpx.URL(url)
    extensions = {}
    if address is not None:
        headers = {**headers, "Host": target.netloc.decode("ascii")}
        extensions["sni_hostname"] = target.host
        target = target.copy_with(host=str(address))
    return client.post(target, content=content, headers=headers, extensions=extensions)


def _attempt(
    client: httpx.Client, hook: Webhook, delivery: WebhookDelivery, *, allow_private: bool
) -> tuple[int | None, float, str | None]:
    """POST the delivery; (HTTP status or None, milliseconds, error or None). Unless ``allow_private``,
    the host is resolved and checked first, and nothing is sent when it fails the check."""
    body = json.dumps({"id": delivery.id, **delivery.payload}, separators=(",", ":")).encode()
    headers = {
        "Content-Type": "application/json",
        "Convene-Event": delivery.event_type,
        "Convene-Delivery": str(delivery.id),
        "Convene-Signature": signature(hook.secret, int(time.time()), body),
    }
    started = time.monotonic()
    try:
        address = None if allow_private else checked_address(hook.url)
    except Unroutable as error:
        log.warning("webhook %s delivery %s refused: %s", hook.id, delivery.id, error)
        return None, (time.monotonic() - started) * 1000, str(error)
    try:
        response = post_to(client, hook.url, address, content=body, headers=headers)
    except httpx.HTTPError as error:
        return None, (time.monotonic() - started) * 1000, f"{type(error).__name__}: {error}"
    elapsed = (time.monotonic() - started) * 1000
    if 200 <= response.status_code < 300:
        return response.status_code, elapsed, None
    return response.status_code, elapsed, f"HTTP {response.status_code}"


def _settle(database: Database, delivery_id: int, status: int | None, elapsed: float | None, error: str | None) -> bool:
    """Record one attempt on the delivery and its hook, in one transaction; whether the hook is now disabled."""
    with database.transaction() as session:
        delivery = session.get_one(WebhookDelivery, delivery_id)
        hook = session.get_one(Webhook, delivery.webhook_id)
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
                    hooks = {
                        hook.id: hook
                        for hook in session.execute(
                            select(Webhook).where(col(Webhook.id).in_({item.webhook_id for item in batch}))
                        ).scalars()
                    }
                    for hook in hooks.values():
                        session.expunge(hook)
                for item in batch:
                    hook = hooks[item.webhook_id]
                    if hook.enabled:
                        status, elapsed, error = _attempt(
                            client, hook, item, allow_private=settings.webhooks_allow_private
                        )
                    else:
                        status, elapsed, error = None, None, "the hook is disabled"
                    heartbeat.release(item.id)
                    if _settle(database, item.id, status, elapsed, error):
                        hook.enabled = False  # the rest of the batch skips it too
                    delivered += error is None
    return delivered
