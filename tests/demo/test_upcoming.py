"""The demo's upcoming workshop: someone who registers on its form can rank its working groups."""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import delete, select

from app.breakouts.models import BreakoutGroup, BreakoutSettings
from app.breakouts.service import breakout_sessions, groups_of, session_settings
from app.demo.upcoming import UPCOMING_SLUG, WORKING_GROUPS, load_upcoming_demo
from app.registration.links import participant_token
from app.registration.models import Registration
from tests.factories import csrf_token

TODAY = date(2030, 3, 4)


def working_groups(session, event) -> tuple[list[str], bool]:
    (item,) = breakout_sessions(session, event)
    return [group.title for group in groups_of(session, item)], session_settings(session, item).preferences_open


def test_the_breakout_has_its_working_groups_open_once_however_often_the_demo_is_loaded(db):
    with db.transaction() as session:
        event = load_upcoming_demo(session, today=TODAY)
        assert working_groups(session, event) == ([title for title, _, _ in WORKING_GROUPS], True)
    with db.transaction() as session:
        again = load_upcoming_demo(session, today=TODAY)
        assert again.id == event.id and len(session.execute(select(BreakoutGroup)).all()) == len(WORKING_GROUPS)


def test_a_demo_loaded_before_the_groups_existed_gets_them_on_the_next_run(db):
    with db.transaction() as session:
        event = load_upcoming_demo(session, today=TODAY)
        session.execute(delete(BreakoutGroup))
        session.execute(delete(BreakoutSettings))
    with db.transaction() as session:
        load_upcoming_demo(session, today=TODAY)
        assert working_groups(session, event) == ([title for title, _, _ in WORKING_GROUPS], True)


def test_someone_registering_on_the_demo_form_can_rank_the_working_groups(client, db, settings):
    with db.transaction() as session:
        load_upcoming_demo(session, today=date.today())
    form = client.get(f"/events/{UPCOMING_SLUG}/register")
    client.post(
        f"/events/{UPCOMING_SLUG}/register",
        data={
            "csrf_token": csrf_token(form.text),
            "first_name": "Ada",
            "last_name": "Peeters",
            "email": "ada@example.org",
            "organisation": "",
            "organisation_type": "",
            "country": "BE",
            "project": "",
            "publication": "nobody",
            "privacy": "yes",
            "answers.dietary": "none",
            "website": "",
        },
    )
    with db.transaction(write=False) as session:
        registration = session.execute(select(Registration)).scalar_one()
    url = f"/r/{participant_token(settings, registration)}"
    assert f'href="{url}/breakouts"' in client.get(url).text
    page = client.get(f"{url}/breakouts")
    assert page.status_code == 200 and "Rank up to 3 groups" in page.text
    first_box = page.text.split('name="choice_1"')[1].split("</select>")[0]
    options = re.findall(r'<option value="(\d+)">([^<]+)</option>', first_box)
    assert [title for _, title in options] == [title for title, _, _ in WORKING_GROUPS]
    session_id = re.search(r'name="session_id" value="(\d+)"', page.text).group(1)
    saved = client.post(
        f"{url}/breakouts",
        data={
            "csrf_token": csrf_token(page.text),
            "session_id": session_id,
            "choice_1": options[2][0],
            "choice_2": options[0][0],
            "choice_3": "",
        },
    )
    assert saved.status_code == 200 and "Your choices are saved." in saved.text
