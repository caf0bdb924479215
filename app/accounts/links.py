"""The "forgot password" link: a signed, expiring reference to a :class:`PasswordReset` row.

As with participants' links, the outbox stores only the row's id; the link is computed at
delivery (:func:`reset_links`), so the database holds no usable link.
"""

from __future__ import annotations

from itsdangerous import BadSignature, URLSafeTimedSerializer

from app.accounts.service import RESET_LIFETIME, ResetLinkInvalid
from app.core.config import Settings

SALT = "convene.password-reset"
RESET_PATH = "/manage/reset-password"


def _serializer(settings: Settings) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(settings.signing_key(), salt=SALT)


def reset_token(settings: Settings, reset_id: int) -> str:
    return _serializer(settings).dumps({"p": reset_id})


def reset_id_for_token(settings: Settings, token: str) -> int:
    try:
        payload = _serializer(settings).loads(token, max_age=int(RESET_LIFETIME.total_seconds()))
    except BadSignature:
        raise ResetLinkInvalid("this link is not valid or has expired; ask for a new one") from None
    reset_id = payload.get("p") if isinstance(payload, dict) else None
    if not isinstance(reset_id, int):
        raise ResetLinkInvalid("this link is not valid; ask for a new one")
    return reset_id


def reset_links(settings: Settings, context: dict) -> dict:
    """The link a "forgot password" email shows, added at delivery (never stored)."""
    reset_id = context.get("password_reset_id")
    if reset_id is None:
        return {}
    return {"reset_url": f"{settings.base_url}{RESET_PATH}?token={reset_token(settings, reset_id)}"}
