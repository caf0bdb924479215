"""The communications tests use the notifications tests' real SMTP server."""

from tests.notifications.conftest import smtp_server  # noqa: F401
