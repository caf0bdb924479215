"""People are listed alphabetically as a reader expects: case and accents ignored, particles kept in
place ("de Boer" among the D's), the same order in badges, exports and the report."""

from __future__ import annotations

import csv
import io

from app.core.collation import person_sort_key
from app.events.models import Event
from app.reports.sources import listed_participants
from tests.attendance.test_badges import pdf_text
from tests.factories import add_participant

NAMES = [
    "Vendrell",
    "de Boer",
    "Zimmermann",
    "di Marcantonio",
    "Åström",
    "Dahlöf",
    "de Potter",
    "Ørsted",
    "van Dijk",
    "Öztürk",
    "Aalto",
    "DAHL",
]
EXPECTED = [
    "Aalto",
    "Åström",
    "DAHL",
    "Dahlöf",
    "de Boer",
    "de Potter",
    "di Marcantonio",
    "Ørsted",
    "Öztürk",
    "van Dijk",
    "Vendrell",
    "Zimmermann",
]


def test_the_sort_key_ignores_case_and_accents():
    assert sorted(NAMES, key=lambda name: person_sort_key(name, "")) == EXPECTED
    assert person_sort_key("Peeters", "Émile") < person_sort_key("Peeters", "Eva")  # first names break ties
    assert sorted(["Muller", "Müller", "muller"], key=lambda name: person_sort_key(name, "")) == sorted(
        ["Muller", "Müller", "muller"], key=lambda name: person_sort_key(name, "")
    )  # a fixed order


def test_badges_exports_and_the_report_list_people_in_the_same_order(client, organiser, db, event_id):
    with db.transaction() as session:
        event = session.get(Event, event_id)
        for name in NAMES:
            add_participant(session, event, first_name="Kim", last_name=name)
        listed = [person.last_name for person in listed_participants(session, event_id, attended=False)]
    assert listed == EXPECTED
    export = client.get(f"/api/v1/events/{event_id}/registrations/export?format=csv", headers=organiser)
    rows = list(csv.DictReader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert [row["last_name"] for row in rows] == EXPECTED
    badges = pdf_text(client.get(f"/api/v1/events/{event_id}/badges.pdf", headers=organiser).content)
    positions = [badges.index(f"Kim {name}") if f"Kim {name}" in badges else badges.index(name) for name in EXPECTED]
    assert positions == sorted(positions)
