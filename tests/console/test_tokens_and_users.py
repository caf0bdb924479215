"""API tokens managed in the console (own tokens; admins see all) and users for admins."""

from __future__ import annotations

import re

from sqlalchemy import select

from app.accounts.models import Account
from app.core.security import ApiToken
from tests.console.conftest import PASSWORD, post_form, sign_in


def test_an_organiser_creates_uses_and_revokes_their_own_token(client, db, cast, console_event):
    event, other = console_event
    sign_in(client, cast.organiser)
    created = post_form(
        client,
        "/manage/tokens",
        "/manage/tokens",
        {"name": "sync script", "role": "organiser", "event_id": str(event.id)},
    )
    assert created.status_code == 201 and "shown only this once" in created.text
    raw = re.search(r"<code>(cvn_[^<]+)</code>", created.text).group(1)
    headers = {"Authorization": f"Bearer {raw}"}
    assert client.get(f"/api/v1/events/{event.id}", headers=headers).status_code == 200
    assert client.get(f"/api/v1/events/{other.id}", headers=headers).status_code == 403
    page = client.get("/manage/tokens").text
    assert "sync script" in page and raw not in page and "never" not in page.split("sync script")[1][:300]
    with db.transaction(write=False) as session:
        token = session.execute(select(ApiToken).where(ApiToken.name == "sync script")).scalar_one()
    revoked = post_form(client, "/manage/tokens", f"/manage/tokens/{token.id}/revoke", {})
    assert revoked.status_code == 303
    assert client.get(f"/api/v1/events/{event.id}", headers=headers).status_code == 401


def test_a_token_never_has_more_rights_than_its_creator(client, db, cast, console_event):
    event, other = console_event
    sign_in(client, cast.organiser)
    admin = post_form(
        client, "/manage/tokens", "/manage/tokens", {"name": "x", "role": "admin", "event_id": str(event.id)}
    )
    assert admin.status_code == 422 and "cannot create a admin token" in admin.text
    elsewhere = post_form(
        client, "/manage/tokens", "/manage/tokens", {"name": "x", "role": "organiser", "event_id": str(other.id)}
    )
    assert elsewhere.status_code == 422 and "limited to other events" in elsewhere.text
    every = post_form(client, "/manage/tokens", "/manage/tokens", {"name": "x", "role": "organiser", "event_id": ""})
    assert every.status_code == 422 and 'id="f-event_id-error"' in every.text
    nameless = post_form(
        client, "/manage/tokens", "/manage/tokens", {"name": "", "role": "organiser", "event_id": str(event.id)}
    )
    assert nameless.status_code == 422 and 'id="f-name-error"' in nameless.text
    with db.transaction(write=False) as session:
        assert session.execute(select(ApiToken)).first() is None


def test_organisers_see_only_their_tokens_and_admins_all(client, db, cast, console_event):
    event, other = console_event
    sign_in(client, cast.other_organiser)
    post_form(
        client, "/manage/tokens", "/manage/tokens", {"name": "theirs", "role": "checkin", "event_id": str(other.id)}
    )
    sign_in(client, cast.organiser)
    assert "theirs" not in client.get("/manage/tokens").text
    with db.transaction(write=False) as session:
        theirs = session.execute(select(ApiToken)).scalar_one().id
    assert post_form(client, "/manage/tokens", f"/manage/tokens/{theirs}/revoke", {}).status_code == 404
    sign_in(client, cast.admin)
    page = client.get("/manage/tokens").text
    assert "theirs" in page and "other@example.org" in page


def test_an_admin_adds_disables_and_enables_users(client, db, cast):
    sign_in(client, cast.admin)
    bad = post_form(
        client,
        "/manage/users",
        "/manage/users",
        {"email": "nope", "display_name": "", "role": "organiser", "password": "short"},
    )
    assert bad.status_code == 422 and 'id="f-email-error"' in bad.text
    added = post_form(
        client,
        "/manage/users",
        "/manage/users",
        {"email": "new@example.org", "display_name": "New Person", "role": "organiser", "password": PASSWORD},
    )
    assert added.status_code == 303
    with db.transaction(write=False) as session:
        new_id = session.execute(select(Account.id).where(Account.email == "new@example.org")).scalar_one()
    post_form(client, "/manage/users", f"/manage/users/{new_id}/disable", {})
    assert sign_in(client, "new@example.org").status_code == 401
    sign_in(client, cast.admin)
    post_form(client, "/manage/users", f"/manage/users/{new_id}/enable", {})
    assert sign_in(client, "new@example.org").status_code == 303
