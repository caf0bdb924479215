"""The console's email texts: the list, the editor with its placeholders and preview, save, restore."""

from __future__ import annotations

from app.core.security import Role
from tests.console.conftest import make_account, post_form, sign_in
from tests.factories import csrf_token


def test_an_organiser_writes_previews_saves_and_restores_a_text(client, db, console_event):
    event, _ = console_event
    sign_in(client, make_account(db, "organiser@example.org", Role.organiser, (event.id,)))
    listing = client.get(f"/manage/events/{event.slug}/messages")
    assert listing.status_code == 200 and "Registered" in listing.text and "Default" in listing.text
    page_url = f"/manage/events/{event.slug}/messages/registered"
    page = client.get(page_url)
    assert "{{ participant.first_name }}" in page.text and "Dear Ada," in page.text  # placeholders, sample preview

    bad = post_form(
        client,
        page_url,
        page_url,
        {"subject": "Hi", "body": "Line one\n{{ participant.nickname }}\n", "action": "save"},
    )
    assert bad.status_code == 422 and "line 2: unknown placeholder" in bad.text

    text = {"subject": "Welcome, {{ participant.first_name }}", "body": "See you at **{{ event.title }}**.\n"}
    preview = post_form(client, page_url, page_url, {**text, "action": "preview"})
    assert preview.status_code == 200 and "Welcome, Ada" in preview.text
    assert "<strong>Regional innovation workshop</strong>" in preview.text
    assert "Default" in client.get(f"/manage/events/{event.slug}/messages").text  # a preview saves nothing

    saved = post_form(client, page_url, page_url, {**text, "action": "save"})
    assert saved.status_code == 303
    assert "your own text" in client.get(page_url).text

    page = client.get(page_url)
    restored = client.post(f"{page_url}/restore", data={"csrf_token": csrf_token(page.text)}, follow_redirects=False)
    assert restored.status_code == 303 and "the default text" in client.get(page_url).text
