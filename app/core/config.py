"""Settings from the environment (``CONVENE_*``) and a ``.env`` file (the README lists them)."""

from __future__ import annotations

import secrets
from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url

SECRET_FILE_NAME = ".convene-secret"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CONVENE_", env_file=".env", extra="ignore")

    database_url: str = "sqlite:///./convene.db"
    secret_key: str | None = Field(default=None, description="signs participant links")
    base_url: str = "http://127.0.0.1:8000"
    smtp_url: str | None = None
    mail_from: str = "Convene <no-reply@convene.localhost>"
    test_database_url: str | None = None
    checkin_opens_days_before: int = Field(
        default=1,
        ge=0,
        le=30,
        description="check-in opens this many days before the event's first day (local midnight)",
    )
    # How long a worker's claim on an email or job lasts without renewal; renewed every third of it
    # while the worker lives, so it bounds how long a crashed worker's items wait to be taken again.
    # "off" for load tests and benchmarks; limits in the notation "N/second|minute|hour|day".
    rate_limits: str = "on"
    rate_limit_per_address: str = "60/minute"
    rate_limit_per_email: str = "10/hour"
    worker_lease_seconds: float = Field(default=60.0, gt=0)
    # Days after an event ends before its participants are anonymised, unless the event sets its own.
    retention_days: int = Field(default=365, ge=0, le=36500)
    # After the retention period, the organisers are told; the data is anonymised this many days later.
    retention_grace_days: int = Field(default=14, ge=1, le=365)
    # Request bodies (JSON, forms) and uploads (multipart, CSV) beyond these sizes are refused with a 413
    # while they stream in, never read whole.
    max_body_bytes: int = Field(default=1024 * 1024, ge=1024)
    max_upload_bytes: int = Field(default=10 * 1024 * 1024, ge=1024)
    # Where notices about an event go (retention, registrations awaiting approval) when it names no contact.
    organiser_email: str | None = None
    # Webhook URLs reaching loopback, private or other non-routable addresses are refused unless this is
    # true (a development machine, the tests): a hook must not let an organiser probe the server's network.
    webhooks_allow_private: bool = False
    # How long the worker waits for a webhook receiver (connect, and each read), in seconds.
    webhooks_timeout_seconds: float = Field(default=5.0, gt=0, le=60)

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    def signing_key(self) -> str:
        """The configured secret, else one generated once and kept beside the SQLite file.

        A constant in the code would let anyone forge participant links, so the fallback is
        random per installation and persisted so links survive a restart.
        """
        if self.secret_key:
            return self.secret_key
        path = self._secret_path()
        if path.exists():
            return path.read_text().strip()
        path.parent.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(48)
        path.write_text(key)
        path.chmod(0o600)
        return key

    def _secret_path(self) -> Path:
        if self.is_sqlite:
            database = make_url(self.database_url).database
            if database and database != ":memory:":
                return Path(database).resolve().parent / SECRET_FILE_NAME
        return Path.cwd() / SECRET_FILE_NAME


@lru_cache
def get_settings() -> Settings:
    return Settings()
