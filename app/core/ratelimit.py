"""Rate limits on the public registration routes, per client address and per email address.

Counted in each server process's memory (a moving window from the ``limits`` library): with N
server processes a client gets at most N times the limit, which still stops a script flooding the
form, and costs no database write per request. ``CONVENE_RATE_LIMITS=off`` turns them off (load
tests and benchmarks on loopback).
"""

from __future__ import annotations

import hashlib
import math
import time
from typing import Annotated

from fastapi import Depends, Request
from limits import RateLimitItem, parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

from app.core.config import Settings
from app.core.errors import AppError


class TooManyRequests(AppError):
    status = 429
    title = "Too many requests"

    def __init__(self, retry_after: int):
        minutes = math.ceil(retry_after / 60)
        wait = f"{retry_after} seconds" if retry_after < 120 else f"{minutes} minutes"
        super().__init__(f"too many registrations from here in a short time; please try again in {wait}")
        self.retry_after = retry_after

    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after)}


class RateLimits:
    def __init__(self, settings: Settings):
        self.enabled = settings.rate_limits.lower() != "off"
        self._per_address: RateLimitItem = parse(settings.rate_limit_per_address)
        self._per_email: RateLimitItem = parse(settings.rate_limit_per_email)
        self._limiter = MovingWindowRateLimiter(MemoryStorage())

    def check_address(self, address: str | None) -> None:
        if self.enabled:
            self._hit(self._per_address, "address", address or "unknown")

    def check_email(self, email: str) -> None:
        if self.enabled:  # checked before the hash, which is not free
            # Hashed: the limiter's memory should not be one more place holding people's addresses.
            self._hit(self._per_email, "email", hashlib.sha256(email.strip().lower().encode()).hexdigest())

    def _hit(self, limit: RateLimitItem, kind: str, key: str) -> None:
        if self._limiter.hit(limit, kind, key):
            return
        reset_at = self._limiter.get_window_stats(limit, kind, key).reset_time
        raise TooManyRequests(max(1, math.ceil(reset_at - time.time())))


def limit_public_registration(request: Request, email: str) -> None:
    """For the public API: the client's address, then the email it registers (429 beyond either)."""
    limits: RateLimits = request.app.state.rate_limits
    limits.check_address(request.client.host if request.client else None)
    limits.check_email(email)


def public_rate_limit(request: Request) -> RateLimits:
    """Counts this request against its client address (raises 429 beyond the limit); the route
    then checks the email address it was given."""
    limits: RateLimits = request.app.state.rate_limits
    limits.check_address(request.client.host if request.client else None)
    return limits


PublicRateLimitDep = Annotated[RateLimits, Depends(public_rate_limit)]
