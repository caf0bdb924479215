"""The agenda editor: sessions with roles (known or new people, never twice), parallel sessions,
room clashes warned, bad input refused."""

from __future__ import annotations

from sqlalchemy import func, select

from app.agenda.models import AgendaSession
from app.directory.models import Person
from tests.console.conftest import post_form, sign_in


def _session_form(**overrides) -> dict:
    values = {
        "title": "Opening",
        "kind": "talk",
        "starts_at": "2030-06-20T09:00",
        "ends_at": "2030-06-20T09:30",
        "room": "Plenary",
        "description": "",
        "role_0_role": "speaker",
        "role_0_first_name": "Annie",
        "role_0_last_name": "Renders",
        "role_0_organisation": "VLAIO",
    }
    values.update(overrides)
    return values


def _count(db, model) -> int:
    with db.transaction(write=False) as session:
        return session.execute(select(func.count()).select_from(model)).scalar_one()


def test_sessions_with_a_speaker_named_twice_create_one_person(client, db, cast, console_event):
    event, _ = console_event
    sign_in(client, cast.organiser)
    page = f"/manage/events/{event.slug}/agenda"
    assert post_form(client, page, page, _session_form()).status_code == 303
    second = _session_form(title="Closing", starts_at="2030-06-20T16:00", ends_at="2030-06-20T16:30")
    assert post_form(client, page, page, second).status_code == 303
    assert _count(db, AgendaSession) == 2 and _count(db, Person) == 1
    assert "Saved “Closing”" in client.get(page).text  # the flash message, once
    shown = client.get(page).text
    assert "Speaker: Annie Renders (VLAIO)" in shown and shown.index("Opening") < shown.index("Closing")


def test_parallel_sessions_share_a_slot_and_a_shared_room_is_warned(client, db, cast, console_event):
    event, _ = console_event
    sign_in(client, cast.organiser)
    page = f"/manage/events/{event.slug}/agenda"
    post_form(
        client,
        page,
        page,
        _session_form(
            title="Group A", kind="breakout", starts_at="2030-06-20T11:00", ends_at="2030-06-20T12:00", room="Room 1"
        ),
    )
    clash = post_form(
        client,
        page,
        page,
        _session_form(
            title="Group B", kind="breakout", starts_at="2030-06-20T11:00", ends_at="2030-06-20T12:00", room="Room 1"
        ),
    )
    assert clash.status_code == 303
    shown = client.get(page).text
    assert "(2 in parallel)" in shown and "Room 1" in shown and 'class="attention"' in shown


def test_bad_sessions_are_refused_next_to_their_field(client, db, cast, console_event):
    event, _ = console_event
    sign_in(client, cast.organiser)
    page = f"/manage/events/{event.slug}/agenda"
    no_title = post_form(client, page, page, _session_form(title=""))
    assert no_title.status_code == 422 and 'id="f-title-error"' in no_title.text
    backwards = post_form(client, page, page, _session_form(ends_at="2030-06-20T08:00"))
    assert backwards.status_code == 422 and "Please correct the following" in backwards.text
    half_name = post_form(client, page, page, _session_form(role_0_last_name=""))
    assert half_name.status_code == 422 and "first and last name" in half_name.text
    assert _count(db, AgendaSession) == 0


def test_editing_and_deleting_a_session(client, db, cast, console_event):
    event, _ = console_event
    sign_in(client, cast.organiser)
    page = f"/manage/events/{event.slug}/agenda"
    post_form(client, page, page, _session_form())
    with db.transaction(write=False) as session:
        item_id = session.execute(select(AgendaSession.id)).scalar_one()
    form = client.get(f"{page}/{item_id}")
    assert 'value="2030-06-20T09:00"' in form.text and "selected" in form.text
    edited = post_form(
        client,
        f"{page}/{item_id}",
        f"{page}/{item_id}",
        _session_form(
            title="Welcome", role_0_first_name="", role_0_last_name="", role_0_organisation="", role_0_person_id=""
        ),
    )
    assert edited.status_code == 303
    assert "Welcome" in client.get(page).text and "Annie Renders" not in client.get(page).text
    post_form(client, page, f"{page}/{item_id}/delete", {})
    assert _count(db, AgendaSession) == 0
