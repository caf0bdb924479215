"""The figures: a pure function of plain rows, fetched in a number of queries that does not grow."""

from __future__ import annotations

from sqlalchemy import event as sa_event

from app.directory.models import OrganisationType
from app.registration.models import RegistrationStatus
from app.reports.statistics import RegistrationFacts, compute_statistics, event_statistics
from tests.factories import add_participant, create_agenda_session, create_event, create_project
from tests.reports.conftest import check_in


def facts(status="confirmed", country="BE", org="agency", project=None, attended=False) -> RegistrationFacts:
    return RegistrationFacts(
        status=status, country=country, organisation_type=org, project_id=project, attended=attended
    )


def test_without_check_ins_the_participants_are_the_confirmed():
    stats = compute_statistics(
        [
            facts(project=1),
            facts(country="FR", project=1),
            facts(project=2),
            facts(status="waitlisted", country="DE"),
            facts(status="cancelled"),
        ]
    )
    assert stats.participants == 3 and stats.participants_basis == "confirmed"
    assert stats.registrations["confirmed"] == 3 and stats.registrations["waitlisted"] == 1
    assert stats.project_representatives == 3 and stats.projects_represented == 2
    assert stats.countries == {"BE": 2, "FR": 1}
    assert stats.organisation_types == {"agency": 3}


def test_once_anyone_is_checked_in_only_attendees_count():
    stats = compute_statistics([facts(attended=True, country="FR", project=7), facts(), facts(org=None)])
    assert stats.participants == 1 and stats.participants_basis == "attended"
    assert stats.countries == {"FR": 1} and stats.project_representatives == 1 and stats.projects_represented == 1


def test_countries_are_ranked_largest_first_and_unknown_is_named():
    stats = compute_statistics([facts(country="SI"), facts(country=None), facts(country="NL"), facts(country="NL")])
    assert list(stats.countries.items()) == [("NL", 2), ("SI", 1), ("unknown", 1)]


def _seed(session, event, people: int) -> None:
    project = create_project(session)
    talk = create_agenda_session(session, event)
    for number in range(people):
        registration = add_participant(
            session,
            event,
            country=["BE", "FR", "DE"][number % 3],
            project_id=project.id if number % 2 else None,
            organisation=f"Org {number % 4}",
            organisation_type=list(OrganisationType)[number % 4],
        )
        if number % 3 == 0:
            check_in(session, registration)
            check_in(session, registration, talk.id)


def _count_queries(session, function) -> tuple[object, int]:
    statements = []

    def listener(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    engine = session.get_bind()
    sa_event.listen(engine, "before_cursor_execute", listener)
    try:
        result = function()
    finally:
        sa_event.remove(engine, "before_cursor_execute", listener)
    return result, len(statements)


def test_statistics_take_the_same_queries_for_6_or_60_participants(db):
    counts = []
    for size in (6, 60):
        with db.transaction() as session:
            event = create_event(session)
            _seed(session, event, size)
            stats, queries = _count_queries(session, lambda event=event: event_statistics(session, event.id))
            assert stats.participants == len(range(0, size, 3))
            assert stats.sessions[0].attendance == stats.participants
            counts.append(queries)
    assert counts[0] == counts[1] <= 3


def test_statistics_endpoint_reports_the_contract_figures(client, db, organiser):
    with db.transaction() as session:
        event = create_event(session)
        project = create_project(session)
        add_participant(session, event, country="BE", project_id=project.id)
        add_participant(
            session, event, country="FR", organisation="DG GROW", organisation_type=OrganisationType.eu_institution
        )
        add_participant(session, event, country="FR", status=RegistrationStatus.waitlisted)
        event_id = event.id
    body = client.get(f"/api/v1/events/{event_id}/statistics", headers=organiser).json()
    assert body["participants"] == 2 and body["participants_basis"] == "confirmed"
    assert body["registrations"]["waitlisted"] == 1
    assert body["project_representatives"] == 1 and body["projects_represented"] == 1
    assert body["countries"] == {"BE": 1, "FR": 1}
    assert body["organisation_types"] == {"cluster": 1, "eu_institution": 1}
    assert body["sessions"] == []
    assert client.get(f"/api/v1/events/{event_id}/statistics").status_code == 401
