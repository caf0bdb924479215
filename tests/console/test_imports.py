"""CSV import in the browser: the dry run's report by line, then all or nothing."""

from __future__ import annotations

from sqlalchemy import func, select

from app.registration.models import Registration
from tests.console.conftest import csrf_token, sign_in

GOOD = "first_name,last_name,email\nAda,Peeters,ada@example.org\nBram,Janssens,bram@example.org\n"
BAD = "first_name,last_name,email\nAda,Peeters,ada@example.org\n,Janssens,not-an-address\n"


def _count(db) -> int:
    with db.transaction(write=False) as session:
        return session.execute(select(func.count()).select_from(Registration)).scalar_one()


def test_a_bad_file_is_reported_by_line_and_nothing_is_imported(client, db, cast, console_event):
    event, _ = console_event
    sign_in(client, cast.organiser)
    page = f"/manage/events/{event.slug}/registrations/import"
    token = csrf_token(client.get(page).text)
    checked = client.post(page, data={"csrf_token": token}, files={"file": ("people.csv", BAD, "text/csv")})
    assert checked.status_code == 200
    assert "<td>3</td><td>first_name</td>" in checked.text and "<td>3</td><td>email</td>" in checked.text
    assert ">Import all" not in checked.text and _count(db) == 0


def test_a_good_file_is_checked_then_imported_all_at_once(client, db, cast, console_event):
    event, _ = console_event
    sign_in(client, cast.organiser)
    page = f"/manage/events/{event.slug}/registrations/import"
    token = csrf_token(client.get(page).text)
    checked = client.post(page, data={"csrf_token": token}, files={"file": ("people.csv", GOOD, "text/csv")})
    assert "2 would be confirmed" in checked.text and _count(db) == 0
    data = checked.text.split('name="data" value="')[1].split('"')[0]
    done = client.post(
        f"{page}/all", data={"csrf_token": csrf_token(checked.text), "data": data}, follow_redirects=False
    )
    assert done.status_code == 303 and _count(db) == 2
    assert "Imported 2 registrations." in client.get(done.headers["location"]).text
    empty = client.post(page, data={"csrf_token": token})
    assert empty.status_code == 422 and "Choose a CSV file" in empty.text
