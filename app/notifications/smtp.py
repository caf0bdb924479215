"""Sending over SMTP: ``CONVENE_SMTP_URL`` parsed, messages built (plain text + HTML), one connection.

URL forms: ``smtp://host:port`` (plain), ``smtp+starttls://user:password@host:587``,
``smtps://user:password@host:465`` (TLS from the start).
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.policy import EmailPolicy
from email.utils import parseaddr
from urllib.parse import unquote, urlsplit

from app.notifications.catalogue import RenderedEmail

DEFAULT_PORTS = {"smtp": 25, "smtp+starttls": 587, "smtps": 465}
TIMEOUT_SECONDS = 15


class _Policy(EmailPolicy):
    """The default policy, except that a List-Unsubscribe link is written as it is, on one line:
    the default would turn an address longer than a line into RFC 2047 encoded words, which mail
    clients do not read as a link (a header line may be 998 characters long)."""

    def _as_it_is(self, name: str, value: str) -> str | None:
        text = str(value)
        if name.lower() == "list-unsubscribe" and text.isascii() and len(name) + len(text) < 990:
            return f"{name}: {text}{self.linesep}"
        return None

    def fold(self, name: str, value: str) -> str:
        return self._as_it_is(name, value) or super().fold(name, value)

    def fold_binary(self, name: str, value: str) -> bytes:
        line = self._as_it_is(name, value)
        return line.encode("ascii") if line else super().fold_binary(name, value)


_POLICY = _Policy()


@dataclass(frozen=True)
class SmtpTarget:
    scheme: str
    host: str
    port: int
    username: str | None = None
    password: str | None = None


def parse_smtp_url(url: str) -> SmtpTarget:
    parts = urlsplit(url)
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
        raise ValueError(
            f"CONVENE_SMTP_URL must look like smtp://host:port, smtp+starttls://... or smtps://..., not {url!r}"
        )
    return SmtpTarget(
        scheme=parts.scheme,
        host=parts.hostname,
        port=parts.port or DEFAULT_PORTS[parts.scheme],
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
    )


def message_id(outbox_id: int, queued_at: datetime, sender: str) -> str:
    """The same for every attempt at one outbox email, so a resend after a crash is recognisable
    (and different across installations, which do not share outbox ids and queueing instants)."""
    domain = parseaddr(sender)[1].rpartition("@")[2] or "convene.localhost"
    return f"<convene.{outbox_id}.{int(queued_at.timestamp() * 1_000_000)}@{domain}>"


def build_message(*, sender: str, to: str, email: RenderedEmail, message_id: str) -> EmailMessage:
    message = EmailMessage(policy=_POLICY)
    message["From"] = sender
    message["To"] = to
    message["Subject"] = email.subject
    message["Message-ID"] = message_id
    if email.unsubscribe_url:
        # RFC 2369's link, and RFC 8058's one-click: the mail client POSTs "List-Unsubscribe=One-Click"
        # to it. One-click is offered on an https address only, as RFC 8058 requires.
        message["List-Unsubscribe"] = f"<{email.unsubscribe_url}>"
        if email.unsubscribe_url.startswith("https://"):
            message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(email.text)
    message.add_alternative(email.html, subtype="html")
    for attachment in email.attachments:
        maintype, subtype = attachment.content_type.split("/")
        message.add_attachment(
            attachment.content,
            maintype=maintype,
            subtype=subtype,
            filename=attachment.filename,
            params={"method": "PUBLISH"} if subtype == "calendar" else {},
        )
    return message


def connect(target: SmtpTarget) -> smtplib.SMTP:
    """An open, logged-in connection; the caller closes it (``with connect(...) as smtp``)."""
    if target.scheme == "smtps":
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(
            target.host, target.port, timeout=TIMEOUT_SECONDS, context=ssl.create_default_context()
        )
    else:
        smtp = smtplib.SMTP(target.host, target.port, timeout=TIMEOUT_SECONDS)
    try:
        if target.scheme == "smtp+starttls":
            smtp.starttls(context=ssl.create_default_context())
        if target.username:
            smtp.login(target.username, target.password or "")
    except BaseException:
        smtp.close()
        raise
    return smtp
