"""Breakouts in the console: the groups, the preferences as they stand, the settings, the reminder,
and the proposal (solve, move, lock, solve again, commit), through the pages as a browser uses them."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from app.agenda.models import AgendaSession
from app.breakouts.models import BreakoutAssignment, BreakoutDraft, BreakoutDraftPlace, BreakoutGroup, BreakoutSettings
from app.breakouts.service import breakout_sessions
from app.core.security import Role
from app.demo.loader import load_demo
from app.events.models import Event
from app.notifications.models import OutboxEmail
from tests.breakouts.conftest import add_choosers, add_groups, create_breakout, saved_groups
from tests.console.conftest import make_account, post_form, sign_in
from tests.factories import add_participant


@dataclass(frozen=True)
class Workshop:
    event: Event
    session_id: int
    groups: list[int]  # A (2 places), B (3), C (3)
    choosers: list[int]  # rank A then B; the first two are Belgian, the others Dutch
    undecided: int  # confirmed, no choice yet
    base: str


@pytest.fixture
def workshop(db, console_event) -> Workshop:
    event, _ = console_event
    with db.transaction() as session:
        stored = session.get(Event, event.id)
        item = create_breakout(session, stored)
        a, b, c = add_groups(session, item, 2, 3, 3)
        a.title, b.title, c.title = "Smart specialisation", "Skills", "Internationalisation"
        belgians = add_choosers(session, stored, item, [a, b], 2, country="BE", organisation="Flanders Agency")
        dutch = add_choosers(session, stored, item, [a, b], 2, country="NL", organisation="Brainport")
        undecided = add_participant(session, stored, first_name="Zoë", last_name="Undecided", country="DE")
        return Workshop(
            stored,
            item.id,
            [a.id, b.id, c.id],
            [r.id for r in belgians + dutch],
            undecided.id,
            f"/manage/events/{stored.slug}/breakouts/{item.id}",
        )


def _post(client, page: str, action: str, data: dict | None = None):
    return post_form(client, page, action, data or {})


def _flash(client, response) -> str:
    page = client.get(response.headers["location"])
    match = re.search(r'<div class="flash [a-z]+" role="[a-z]+">(.*?)</div>', page.text, re.S)
    return match.group(1).strip() if match else ""


def test_the_session_page_shows_groups_counts_and_who_has_not_chosen(client, cast, workshop):
    sign_in(client, cast.organiser)
    page = client.get(workshop.base)
    assert page.status_code == 200
    row = re.search(r"Smart specialisation</th>(.*?)</tr>", page.text, re.S).group(1)
    # capacity 2, nobody placed, ranked first by 4, second by none
    assert re.findall(r'<td class="number">(\d+)</td>', row) == ["2", "0", "4", "0", "0"]
    skills = re.search(r"Skills</th>(.*?)</tr>", page.text, re.S).group(1)
    assert re.findall(r'<td class="number">(\d+)</td>', skills) == ["3", "0", "0", "4", "0"]
    assert "Not chosen yet (1)" in page.text and "Zoë Undecided" in page.text


def test_a_group_is_added_and_bad_input_is_named_next_to_its_field(client, cast, workshop, db):
    sign_in(client, cast.organiser)
    bad = _post(client, workshop.base, workshop.base + "/groups", {"title": "", "capacity": "many"})
    assert bad.status_code == 422 and "Please correct the following" in bad.text
    assert "give the number of places" in bad.text
    done = _post(
        client,
        workshop.base,
        workshop.base + "/groups",
        {"title": "Cluster policy", "capacity": "10", "room": "Room D", "theme": "Policy mixes"},
    )
    assert done.status_code == 303 and "Saved the group “Cluster policy”" in _flash(client, done)
    with db.transaction() as session:
        titles = session.execute(
            select(BreakoutGroup.title, BreakoutGroup.capacity, BreakoutGroup.room).where(
                BreakoutGroup.session_id == workshop.session_id
            )
        ).all()
    assert ("Cluster policy", 10, "Room D") in titles and len(titles) == 4


def test_editing_a_group_below_its_members_is_refused_with_the_reason(client, cast, workshop, db):
    with db.transaction() as session:
        for registration_id in workshop.choosers[:2]:
            session.add(
                BreakoutAssignment(
                    registration_id=registration_id,
                    session_id=workshop.session_id,
                    group_id=workshop.groups[1],
                    source="manual",
                )
            )
    sign_in(client, cast.organiser)
    url = f"{workshop.base}/groups/{workshop.groups[1]}"
    refused = _post(client, f"{workshop.base}?edit={workshop.groups[1]}", url, {"title": "Skills", "capacity": "1"})
    assert refused.status_code == 422 and "move some out before lowering its capacity" in refused.text
    with db.transaction() as session:
        assert session.get(BreakoutGroup, workshop.groups[1]).capacity == 3


def test_settings_close_the_choices_and_set_caps(client, cast, workshop, db):
    sign_in(client, cast.organiser)
    bad = _post(client, workshop.base, workshop.base + "/settings", {"max_preferences": "0", "max_per_country": "x"})
    assert bad.status_code == 422 and "give a whole number, or leave it empty" in bad.text
    done = _post(
        client,
        workshop.base,
        workshop.base + "/settings",
        {"max_preferences": "2", "max_per_country": "1", "max_per_organisation": ""},
    )
    assert "Choices are closed" in _flash(client, done)
    with db.transaction() as session:
        settings = session.get(BreakoutSettings, workshop.session_id)
        assert (
            settings.preferences_open,
            settings.max_preferences,
            settings.max_per_country,
            settings.max_per_organisation,
        ) == (False, 2, 1, None)


def test_the_reminder_goes_once_a_day_to_those_who_have_not_chosen(client, cast, workshop, db):
    sign_in(client, cast.organiser)
    first = _post(client, workshop.base, workshop.base + "/remind")
    assert "Emailed a reminder to 1 participant" in _flash(client, first)
    again = _post(client, workshop.base, workshop.base + "/remind")
    assert "No reminder sent" in _flash(client, again)
    with db.transaction() as session:
        emails = session.execute(select(OutboxEmail).where(OutboxEmail.template == "breakout_choose")).scalars().all()
        assert [email.context["registration_id"] for email in emails] == [workshop.undecided]


def test_a_proposal_survives_requests_and_moves_respect_capacity_and_caps(client, cast, workshop, db):
    with db.transaction() as session:
        session.add(BreakoutSettings(session_id=workshop.session_id, max_per_country=1))
    sign_in(client, cast.organiser)
    proposed = _post(client, workshop.base, workshop.base + "/proposal")
    assert "Proposed an assignment" in _flash(client, proposed)
    page = client.get(workshop.base + "/proposal")
    assert "First choice:" in page.text and "Placed outside their choices" in page.text
    with db.transaction() as session:
        assert session.get(BreakoutDraft, workshop.session_id) is not None
        assert saved_groups(session, _item(session, workshop)) == {}  # nothing told to anyone yet
    proposal = workshop.base + "/proposal"
    # With one Belgian per group at most, the two Belgians sit apart; moving one to the other is refused, with the reason.
    with db.transaction() as session:
        places = dict(session.execute(select(BreakoutDraftPlace.registration_id, BreakoutDraftPlace.group_id)).all())
    first, second = workshop.choosers[:2]
    assert places[first] != places[second]
    refused = _post(
        client,
        proposal,
        proposal + "/move",
        {"registration_id": str(first), "group_id": str(places[second]), "lock": "yes"},
    )
    message = _flash(client, refused)
    assert message.startswith("Not moved:") and "from Belgium, the most per country (1)" in message
    # Into the empty group C: done, and locked.
    moved = _post(
        client,
        proposal,
        proposal + "/move",
        {"registration_id": str(workshop.undecided), "group_id": str(workshop.groups[2]), "lock": "yes"},
    )
    assert "Moved Zoë Undecided to “Internationalisation” and locked them there" in _flash(client, moved)
    again = _post(client, proposal, proposal, {})
    assert "around 1 locked place" in _flash(client, again)
    section = _group_section(client.get(proposal).text, "Internationalisation")
    assert "Zoë Undecided" in section and "(moved)" in section


def test_commit_saves_the_proposal_and_emails_each_participant(client, cast, workshop, db):
    sign_in(client, cast.organiser)
    _post(client, workshop.base, workshop.base + "/proposal")
    proposal = workshop.base + "/proposal"
    committed = _post(client, proposal, proposal + "/commit")
    assert "Committed the assignment: 5 participants emailed" in _flash(client, committed)
    with db.transaction() as session:
        saved = saved_groups(session, _item(session, workshop))
        assert set(saved) == set(workshop.choosers) | {workshop.undecided}
        emails = session.execute(select(OutboxEmail).where(OutboxEmail.template == "breakout_assigned")).scalars().all()
        assert sorted(email.context["registration_id"] for email in emails) == sorted(saved)
        assert session.get(BreakoutDraft, workshop.session_id) is None
    assert "There is no proposal" in client.get(proposal).text
    pdf = client.get(workshop.base + "/lists.pdf")
    assert (
        pdf.status_code == 200 and pdf.content.startswith(b"%PDF") and pdf.headers["content-type"] == "application/pdf"
    )


def test_a_proposal_made_before_someone_was_confirmed_is_not_committed(client, cast, workshop, db):
    sign_in(client, cast.organiser)
    _post(client, workshop.base, workshop.base + "/proposal")
    with db.transaction() as session:
        add_participant(session, session.get(Event, workshop.event.id), first_name="Late", last_name="Comer")
    proposal = workshop.base + "/proposal"
    refused = _post(client, proposal, proposal + "/commit")
    assert "Not committed: 1 confirmed participant has no group" in _flash(client, refused)
    with db.transaction() as session:
        assert saved_groups(session, _item(session, workshop)) == {}


def test_check_in_staff_land_on_a_page_of_what_they_can_do(client, cast, console_event, db):
    event, other = console_event
    sign_in(client, cast.checkin)
    page = client.get("/manage")
    assert page.status_code == 200
    assert f'href="/manage/events/{event.slug}/checkin"' in page.text and other.title not in page.text
    assert client.get(f"/manage/events/{event.slug}/checkin").status_code == 200
    assert client.get(f"/manage/events/{other.slug}/checkin").status_code == 403
    make_account(db, "nobody-at-the-door@example.org", Role.checkin)
    sign_in(client, "nobody-at-the-door@example.org")
    assert client.get("/manage").status_code == 200


# --- helpers ---------------------------------------------------------------------------------


def _item(session, workshop: Workshop) -> AgendaSession:
    return session.get(AgendaSession, workshop.session_id)


def _group_section(html: str, title: str) -> str:
    return re.search(
        r'<section class="card" aria-labelledby="group-\d+">\s*<h2 id="group-\d+">'
        + re.escape(title)
        + r"</h2>(.*?)</section>",
        html,
        re.S,
    ).group(1)


def test_the_demos_breakout_sessions_open_and_solve_in_the_console(client, db):
    with db.transaction() as session:
        load_demo(session)
        sessions = [
            (event.slug, item.id)
            for event in session.execute(select(Event)).scalars()
            for item in breakout_sessions(session, event)
        ]
    assert sessions
    make_account(db, "demo-lead@example.org", Role.organiser)
    sign_in(client, "demo-lead@example.org")
    for slug, item_id in sessions:
        base = f"/manage/events/{slug}/breakouts/{item_id}"
        assert client.get(f"/manage/events/{slug}/breakouts").status_code == 200
        page = client.get(base)
        assert page.status_code == 200 and "Working groups" in page.text
        proposed = post_form(client, base, base + "/proposal", {})
        assert proposed.headers["location"] == base + "/proposal", _flash(client, proposed)
        proposal = client.get(base + "/proposal")
        assert proposal.status_code == 200 and "First choice:" in proposal.text


def test_a_second_round_proposal_counts_the_pairs_who_meet_again(client, cast, workshop, db):
    with db.transaction() as session:
        event = session.get(Event, workshop.event.id)
        second = create_breakout(session, event, starts=16)
        add_groups(session, second, 3, 3)
        second_id = second.id
    sign_in(client, cast.organiser)
    _post(client, workshop.base, workshop.base + "/proposal")
    _post(client, workshop.base + "/proposal", workshop.base + "/proposal/commit")
    base = f"/manage/events/{workshop.event.slug}/breakouts/{second_id}"
    proposed = _post(client, base, base + "/proposal", {"avoid_repeats_with_session_id": str(workshop.session_id)})
    assert "Proposed an assignment" in _flash(client, proposed)
    page = client.get(base + "/proposal").text
    assert "keeps apart the group mates of “Working groups at 14:00”" in page
    assert re.search(r"Pairs meeting again from the first round: <strong>\d+</strong>", page)
    wrong = _post(client, base, base + "/proposal", {"avoid_repeats_with_session_id": str(second_id)})
    assert "No proposal: name another breakout session of the event, not this one" in _flash(client, wrong)
