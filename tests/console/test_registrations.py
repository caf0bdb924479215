"""Registrations in the console: list, filters, decisions (single and bulk), history, emails,
editing and adding by hand with bad input, export."""

from __future__ import annotations

import csv
import io

from sqlalchemy import select

from app.core.security import Role
from app.events.models import Event
from app.notifications.models import OutboxEmail
from app.registration.history import Change, RegistrationChange
from app.registration.models import Registration, RegistrationStatus
from tests.console.conftest import make_account, post_form, sign_in
from tests.registration.conftest import add_registration


def _event_with_people(db, console_event, *, requires_approval=True):
    event, _ = console_event
    with db.transaction() as session:
        session.get(Event, event.id).requires_approval = requires_approval
        people = [
            add_registration(
                session,
                session.get(Event, event.id),
                first_name=name,
                last_name="Peeters",
                email=f"{name.lower()}@example.org",
            )
            for name in ("Ada", "Bram", "Cato")
        ]
    return event, [person.id for person in people]


def _status(db, registration_id) -> RegistrationStatus:
    with db.transaction(write=False) as session:
        return session.get(Registration, registration_id).status


def test_the_list_counts_filters_and_searches(client, db, cast, console_event):
    event, (ada, bram, cato) = _event_with_people(db, console_event)
    sign_in(client, cast.organiser)
    page = client.get(f"/manage/events/{event.slug}/registrations")
    assert page.status_code == 200
    assert "Pending approval</a>: <strong>3</strong>" in page.text and "3 registrations" in page.text
    found = client.get(f"/manage/events/{event.slug}/registrations", params={"q": "bram"})
    assert "Bram Peeters" in found.text and "Ada Peeters" not in found.text and "1 registration match" in found.text
    none = client.get(f"/manage/events/{event.slug}/registrations", params={"status": "confirmed"})
    assert "0 registrations match" in none.text
    bad = client.get(f"/manage/events/{event.slug}/registrations", params={"status": "nonsense"})
    assert bad.status_code == 422


def test_approve_and_reject_with_a_reason_are_recorded_and_emailed(client, db, cast, console_event):
    event, (ada, bram, _) = _event_with_people(db, console_event)
    sign_in(client, cast.organiser)
    page = f"/manage/events/{event.slug}/registrations/{ada}"
    approved = post_form(client, page, f"{page}/approve", {})
    assert approved.status_code == 303 and _status(db, ada) is RegistrationStatus.confirmed
    assert "Ada Peeters: approved." in client.get(approved.headers["location"]).text

    bram_page = f"/manage/events/{event.slug}/registrations/{bram}"
    post_form(client, bram_page, f"{bram_page}/reject", {"reason": "The workshop is for public agencies only."})
    assert _status(db, bram) is RegistrationStatus.rejected
    with db.transaction(write=False) as session:
        history = (
            session.execute(
                select(RegistrationChange)
                .where(RegistrationChange.registration_id == bram)
                .order_by(RegistrationChange.id)
            )
            .scalars()
            .all()
        )
        rejection = session.execute(select(OutboxEmail).where(OutboxEmail.template == "rejected")).scalar_one()
    assert [change.action for change in history] == [Change.registered, Change.rejected]
    assert history[1].by == "Organiser <organiser@example.org>"
    assert history[1].details == {"reason": "The workshop is for public agencies only."}
    assert rejection.context["reason"] == "The workshop is for public agencies only."
    shown = client.get(bram_page).text
    assert (
        "Rejected: “The workshop is for public agencies only.”" in shown
        and "Organiser &lt;organiser@example.org&gt;" in shown
    )


def test_sending_the_link_again_emails_it_and_records_it(client, db, cast, console_event):
    event, (ada, _, _) = _event_with_people(db, console_event)
    sign_in(client, cast.organiser)
    page = f"/manage/events/{event.slug}/registrations/{ada}"
    sent = post_form(client, page, f"{page}/resend", {})
    assert sent.status_code == 303
    assert "Ada Peeters: sent their link again." in client.get(sent.headers["location"]).text
    with db.transaction(write=False) as session:
        emails = session.execute(select(OutboxEmail).where(OutboxEmail.template == "link_resent")).scalars().all()
        history = (
            session.execute(
                select(RegistrationChange.action)
                .where(RegistrationChange.registration_id == ada)
                .order_by(RegistrationChange.id)
            )
            .scalars()
            .all()
        )
    assert [email.to_address for email in emails] == ["ada@example.org"]
    assert history == [Change.registered, Change.link_resent]
    assert _status(db, ada) is RegistrationStatus.pending_approval


def test_a_refused_decision_changes_nothing_and_says_why(client, db, cast, console_event):
    event, (ada, _, _) = _event_with_people(db, console_event)
    sign_in(client, cast.organiser)
    page = f"/manage/events/{event.slug}/registrations/{ada}"
    refused = post_form(client, page, f"{page}/promote", {})
    assert refused.status_code == 303
    assert "was not changed: cannot promote a registration that is pending approval" in client.get(page).text
    assert _status(db, ada) is RegistrationStatus.pending_approval
    assert post_form(client, page, f"{page}/fly", {}).status_code == 404


def test_bulk_approve_and_reject_of_selected_rows(client, db, cast, console_event):
    event, (ada, bram, cato) = _event_with_people(db, console_event)
    sign_in(client, cast.organiser)
    listing = f"/manage/events/{event.slug}/registrations"
    done = post_form(client, listing, f"{listing}/bulk", {"action": "approve", "selected": [str(ada), str(bram)]})
    assert done.status_code == 303
    assert "Approved 2 registrations" in client.get(done.headers["location"]).text
    post_form(client, listing, f"{listing}/bulk", {"action": "reject", "selected": [str(cato), str(ada)]})
    assert [_status(db, i) for i in (ada, bram, cato)] == [
        RegistrationStatus.confirmed,
        RegistrationStatus.confirmed,
        RegistrationStatus.rejected,
    ]
    nothing = post_form(client, listing, f"{listing}/bulk", {"action": "approve"})
    assert "select at least one registration first" in client.get(nothing.headers["location"]).text.lower()


def test_adding_by_hand_refuses_bad_input_next_to_each_field_and_writes_nothing(client, db, cast, console_event):
    event, _ = console_event
    sign_in(client, cast.organiser)
    new = f"/manage/events/{event.slug}/registrations/new"
    bad = post_form(
        client, new, new, {"first_name": "", "last_name": "Peeters", "email": "not-an-address", "country": "XX"}
    )
    assert bad.status_code == 422
    assert (
        'id="f-first_name-error"' in bad.text
        and 'id="f-email-error"' in bad.text
        and 'id="f-privacy-error"' in bad.text
    )
    assert "Please correct the following" in bad.text
    with db.transaction(write=False) as session:
        assert session.execute(select(Registration)).first() is None
    good = post_form(
        client,
        new,
        new,
        {
            "first_name": "Dina",
            "last_name": "Peeters",
            "email": "dina@example.org",
            "privacy": "yes",
            "publication": "nobody",
        },
    )
    assert good.status_code == 303
    assert "Added Dina Peeters: confirmed." in client.get(good.headers["location"]).text


def test_editing_details_is_checked_and_recorded(client, db, cast, console_event):
    event, (ada, _, _) = _event_with_people(db, console_event)
    sign_in(client, cast.organiser)
    edit = f"/manage/events/{event.slug}/registrations/{ada}/edit"
    form = client.get(edit)
    assert 'value="Ada"' in form.text
    bad = post_form(client, edit, edit, {"first_name": "", "last_name": "Peeters", "publication": "nobody"})
    assert bad.status_code == 422 and 'id="f-first_name-error"' in bad.text
    good = post_form(
        client,
        edit,
        edit,
        {
            "first_name": "Adaline",
            "last_name": "Peeters",
            "publication": "nobody",
            "organisation": "Flanders Innovation",
        },
    )
    assert good.status_code == 303
    with db.transaction(write=False) as session:
        change = session.execute(
            select(RegistrationChange).where(RegistrationChange.action == Change.edited)
        ).scalar_one()
        assert session.get(Registration, ada).first_name == "Adaline"
    # What the form changed is named (the defaults of the test's registration were cleared too); what it kept is not.
    assert {"first_name", "organisation"} <= set(change.details["fields"]) and "last_name" not in change.details[
        "fields"
    ]


def test_export_buttons_download_csv_and_xlsx(client, db, cast, console_event):
    event, _ = _event_with_people(db, console_event)
    sign_in(client, cast.organiser)
    exported = client.get(f"/manage/events/{event.slug}/registrations/export", params={"format": "csv"})
    assert exported.status_code == 200 and "attachment" in exported.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert sorted(row["first_name"] for row in rows) == ["Ada", "Bram", "Cato"]
    xlsx = client.get(f"/manage/events/{event.slug}/registrations/export", params={"format": "xlsx"})
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


def test_a_registration_of_another_event_is_not_found_under_this_one(client, db, cast, console_event):
    event, other = console_event
    with db.transaction() as session:
        theirs = add_registration(session, session.get(Event, other.id)).id
    make_account(db, "both@example.org", Role.organiser, (event.id, other.id))
    sign_in(client, "both@example.org")
    assert client.get(f"/manage/events/{event.slug}/registrations/{theirs}").status_code == 404
    assert client.get(f"/manage/events/{other.slug}/registrations/{theirs}").status_code == 200


def test_the_api_rejection_takes_a_reason_and_names_the_token_in_the_history(client, db, organiser, console_event):
    event, (ada, _, _) = _event_with_people(db, console_event)
    response = client.post(
        f"/api/v1/registrations/{ada}/reject", json={"reason": "Full of agencies already."}, headers=organiser
    )
    assert response.status_code == 200 and response.json()["status"] == "rejected"
    with db.transaction(write=False) as session:
        change = session.execute(
            select(RegistrationChange).where(RegistrationChange.action == Change.rejected)
        ).scalar_one()
    assert change.by == "API token 'test organiser'" and change.details == {"reason": "Full of agencies already."}
