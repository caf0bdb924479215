"""The authorisation matrix: every route of the application called by every kind of caller, checked
against its rule in tests/routes.py. The routes come from ``app.routes``, so a new route without a
rule fails here until someone decides who may call it.

One app and one world (two events, their people, registrations, reports, a template, accounts and
tokens of each role) per database; the world is restored only after a call that may have changed
it (a POST or DELETE that succeeded), so the ~160 routes x 7 callers stay fast. Calls send
empty bodies and forms: a permitted caller gets a success or a refusal of the content, never a
401, 403 or 404. Beyond the status, nothing answered to a caller other than A's organisers (and
the holders of a participant's own link) may name event A's speaker or participant by email.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import count
from urllib.parse import urlsplit

import pytest
from argon2 import PasswordHasher, profiles
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient
from sqlalchemy import Table, inspect, select

from app.accounts import passwords
from app.accounts.service import create_account, start_session
from app.agenda.schemas import SessionCreate
from app.agenda.service import create_agenda_session
from app.attendance import badges
from app.attendance.models import Checkin
from app.breakouts.models import BreakoutGroup
from app.breakouts.rapporteurs import rapporteur_token
from app.communications.models import Mailing
from app.communications.rule_schemas import RuleCreate
from app.communications.rules import create_rule
from app.console.access import SESSION_COOKIE, session_signer
from app.core.csrf import COOKIE_NAME as CSRF_COOKIE
from app.core.csrf import FIELD_NAME as CSRF_FIELD
from app.core.csrf import Csrf
from app.core.db import Database, metadata
from app.core.security import ApiToken, Role, create_token
from app.directory.schemas import PersonCreate
from app.directory.service import create_person
from app.main import create_app
from app.notifications.models import OutboxEmail
from app.registration.links import calendar_feed_url, participant_token
from app.registration.questions import create_question
from app.registration.schemas import QuestionCreate, RegistrationCreate
from app.registration.service import register
from app.registration.unsubscribe import unsubscribe_token
from app.reports.formats import ReportFormat
from app.reports.links import signed_download_path
from app.reports.models import (
    EventBranding,
    Report,
    ReportFile,
    ReportImage,
    ReportStatus,
    ReportTemplate,
    TemplateKind,
)
from app.webhooks.models import Webhook
from tests.conftest import clear_tables, make_test_settings
from tests.factories import add_participant, create_event, create_project, event_payload
from tests.registration.conftest import registration_payload
from tests.routes import (
    ADMIN,
    ALL,
    ANONYMOUS,
    DOOR_A,
    LINK,
    OK,
    ORG_A,
    ORG_B,
    ROLES,
    RULES,
    SIGN_IN,
    WRONG,
)

# Event A's secrets: its speaker's and its participant's email addresses.
SPEAKER_A, PARTICIPANT_A = "speaker-a@a.example", "participant-a@a.example"
CSRF_VALUE = "c" * 43
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000002"
    "0001e221bc330000000049454e44ae426082"
)
ACCOUNTS = {
    ADMIN: (Role.admin, None),
    ALL: (Role.organiser, None),
    ORG_A: (Role.organiser, "a"),
    ORG_B: (Role.organiser, "b"),
    DOOR_A: (Role.checkin, "a"),
}


def app_routes() -> list[tuple[str, str]]:
    """Every (method, path) the application answers, from its route table (HEAD is GET's twin)."""
    calls = set()
    for route in iter_route_contexts(create_app().routes):
        for method in route.methods or ():
            if method != "HEAD":
                calls.add((method, route.path))
    return sorted(calls, key=lambda call: (call[1], call[0]))


ROUTES = app_routes()


@dataclass
class World:
    values: dict[str, str] = field(default_factory=dict)  # what each {name} of an address stands for
    headers: dict[str, dict[str, str]] = field(default_factory=dict)
    cookies: dict[str, str] = field(default_factory=dict)
    rows: list[tuple[Table, list[dict]]] = field(default_factory=list)  # every row, to restore
    dirty: bool = False

    def restore(self, database: Database) -> None:
        """Back to the world as seeded, same ids, in one transaction: much faster than seeding again
        (the matrix does it about a hundred times)."""
        with database.engine.begin() as connection:
            for table, _ in reversed(self.rows):
                connection.execute(table.delete())
            for table, rows in self.rows:
                if rows:
                    connection.execute(table.insert(), rows)
        self.dirty = False


def _seed(database: Database, settings, world: World) -> None:
    """Two events and one of everything of event A that an address can name."""
    clear_tables(database)
    with database.transaction() as session:
        a, b = create_event(session, title="Event A", slug="event-a"), create_event(session, title="Event B")
        speaker = create_person(
            session,
            PersonCreate(first_name="Sofie", last_name="Speaker", email=SPEAKER_A, organisation="Speakers of A"),
        )
        starts = a.starts_at
        create_agenda_session(
            session,
            a,
            SessionCreate(
                title="Keynote",
                kind="talk",
                starts_at=starts,
                ends_at=starts.replace(hour=starts.hour + 1),
                roles=[{"role": "speaker", "person_id": speaker.id}],
            ),
        )
        breakout = create_agenda_session(
            session,
            a,
            SessionCreate(
                title="Working groups",
                kind="breakout",
                starts_at=starts.replace(hour=starts.hour + 2),
                ends_at=starts.replace(hour=starts.hour + 3),
            ),
        ).item
        group = BreakoutGroup(session_id=breakout.id, title="Group 1", capacity=10, facilitator_person_id=speaker.id)
        session.add(group)
        project = create_project(session, acronym="ONLYA")
        registration = add_participant(session, a, project_id=project.id, organisation="Participants of A")
        registration.email = PARTICIPANT_A
        add_participant(session, b, organisation="Participants of B")
        register(session, a, RegistrationCreate(**registration_payload()))  # queues an email about event A
        question = create_question(session, a, QuestionCreate(key="diet", label="Diet", kind="text"))
        checkin = Checkin(event_id=a.id, registration_id=registration.id)
        report = Report(
            event_id=a.id,
            format=ReportFormat.html,
            template="default",
            status=ReportStatus.done,
            filename="report.html",
            checksum="0" * 64,
            size=4,
        )
        mailing = Mailing(event_id=a.id, subject="Hello", body="Hello", audience={}, status="sent")
        session.add_all([checkin, report, mailing])
        session.flush()
        rule = create_rule(session, a, RuleCreate(template="reminder"))
        session.add(ReportFile(report_id=report.id, content=b"<p/>"))
        image = ReportImage(
            event_id=a.id, caption="Room", content_type="image/png", width=1, height=1, size=len(PNG), content=PNG
        )
        session.add_all([image, EventBranding(event_id=a.id, logo=PNG, logo_type="image/png")])
        webhook = Webhook(event_id=a.id, url="http://127.0.0.1:9/hook", events=["registration.created"], secret="s")
        session.add(webhook)
        events = {"a": a.id, "b": b.id}
        accounts, raw_tokens = {}, {}
        for role, (kind, event) in ACCOUNTS.items():
            slug = role.replace(" ", "-")
            account = create_account(
                session,
                email=f"{slug}@example.org",
                display_name=role,
                password="x" * 12,
                role=kind,
                event_ids=frozenset({events[event]} if event else ()),
            )
            accounts[role] = account
            raw_tokens[role] = create_token(
                session, role=kind, name=slug, event_id=events.get(event), account_id=account.id
            )
            signed = session_signer(settings).sign(start_session(session, account)).decode()
            world.cookies[role] = (
                f"{SESSION_COOKIE}={signed}; convene_checkin={raw_tokens[role]}; {CSRF_COOKIE}={CSRF_VALUE}"
            )
            world.headers[role] = {"Authorization": f"Bearer {raw_tokens[role]}"}
        template = ReportTemplate(
            name="a-style",
            kind=TemplateKind.html,
            source="<p>{{ event.title }}</p>",
            owner_account_id=accounts[ORG_A].id,
        )
        session.add(template)
        session.flush()
        email = session.execute(select(OutboxEmail.id)).scalar_one()
        own_token = session.execute(select(ApiToken.id).where(ApiToken.account_id == accounts[ORG_A].id)).scalar_one()
        world.values = {
            "event_id": str(a.id),
            "event_ref": a.slug,
            "slug": a.slug,
            "session_id": str(breakout.id),
            "group_id": str(group.id),
            "registration_id": str(registration.id),
            "question_id": str(question.id),
            "checkin_id": str(checkin.id),
            "person_id": str(speaker.id),
            "organisation_id": str(speaker.organisation_id),
            "project_id": str(project.id),
            "report_id": str(report.id),
            "template_id": str(template.id),
            "image_id": str(image.id),
            "email_id": str(email),
            "token": participant_token(settings, registration),
            "report_link": signed_download_path(settings, report),
            "token_id": str(own_token),
            "webhook_id": str(webhook.id),
            "rapporteur_link": f"/rapporteur/{rapporteur_token(settings, a, group)}",
            "calendar_link": urlsplit(calendar_feed_url(settings, registration)).path,
            "account_id": str(accounts[DOOR_A].id),
            "change": "up",
            "action": "approve",
            "message": "registered",
            "part": "summary",
            "mailing_id": str(mailing.id),
            "unsubscribe_link": f"/unsubscribe/{unsubscribe_token(settings, registration.id)}",
            "rule_id": str(rule.id),
        }
    world.cookies[ANONYMOUS] = f"{CSRF_COOKIE}={CSRF_VALUE}"
    world.cookies[WRONG] = f"{SESSION_COOKIE}=forged.cookie; convene_checkin=cvn_wrong; {CSRF_COOKIE}={CSRF_VALUE}"
    world.headers[ANONYMOUS], world.headers[WRONG] = {}, {"Authorization": "Bearer cvn_not-a-token"}
    with database.engine.connect() as connection:
        present = set(inspect(connection).get_table_names())
        world.rows = [
            (table, [dict(row._mapping) for row in connection.execute(table.select())])
            for table in metadata.sorted_tables
            if table.name in present
        ]


@pytest.fixture(scope="module")
def matrix(shared_database: Database, backend_url) -> Iterator[tuple[TestClient, World]]:
    settings = make_test_settings(backend_url)
    cheap = PasswordHasher.from_parameters(profiles.CHEAPEST)
    with pytest.MonkeyPatch.context() as patch, TestClient(create_app(settings, database=shared_database)) as client:
        patch.setattr(passwords, "_hasher", lambda: cheap)
        # Who may call is decided before anything is drawn; WeasyPrint's seconds a sheet of badges
        # are tested in tests/attendance, not once per caller here.
        patch.setattr(badges, "pdf_isolated", lambda html: b"%PDF-1.7 (not drawn)")
        world = World()
        _seed(shared_database, settings, world)
        yield client, world
    clear_tables(shared_database)


def _url(path: str, world: World) -> str:
    if path.startswith("/downloads/reports/"):
        return world.values["report_link"]
    if path.startswith("/rapporteur/"):
        return world.values["rapporteur_link"]
    if path.startswith("/unsubscribe/"):
        return world.values["unsubscribe_link"]
    if path.startswith("/calendar/"):
        return world.values["calendar_link"]
    change = "enable" if path.startswith("/manage/users/") else world.values["change"]
    return re.sub(r"\{(\w+)\}", lambda m: change if m[1] == "change" else world.values[m[1]], path)


# Routes that check who may call inside the handler, after the body is read: an empty body would be
# refused as invalid before the rule is applied, so these get a valid one.
BODIES = {
    ("POST", "/api/v1/events"): lambda: event_payload(),
    ("POST", "/api/v1/events/{event_id}/clone"): lambda: {
        "slug": f"copy-{next(_copies)}",
        "title": "Copy",
        "starts_on": "2031-06-20",
    },
}
_copies = count(1)


def _call(client: TestClient, world: World, method: str, path: str, role: str):
    client.cookies.clear()  # each call carries its caller's cookies only, nothing a previous answer set
    headers = {**world.headers[role], "Cookie": world.cookies[role]}
    url = _url(path, world)
    if method in ("GET", "DELETE") or path.startswith("/api/"):
        body = {"json": BODIES.get((method, path), dict)()} if method in ("POST", "PUT", "PATCH") else {}
        return client.request(method, url, headers=headers, follow_redirects=False, **body)
    token = Csrf(client.app.state.settings, CSRF_VALUE, secure=False).token
    return client.request(method, url, headers=headers, data={CSRF_FIELD: token}, follow_redirects=False)


def _outcome(response) -> object:
    status = response.status_code
    if status in (303, 307) and response.headers.get("location", "").startswith("/manage/login"):
        return SIGN_IN
    if status in (401, 403, 404):
        return status
    assert status < 500, f"answered {status}: {response.text[:300]}"
    return OK


def test_every_route_has_a_rule_and_every_rule_a_route():
    assert len(ROUTES) > 150  # the route table was read whole: API, console and public pages
    missing = [call for call in ROUTES if call not in RULES]
    assert not missing, f"routes without a rule in tests/routes.py (decide who may call them): {missing}"
    stale = [call for call in RULES if call not in ROUTES]
    assert not stale, f"rules in tests/routes.py for routes that no longer exist: {stale}"


@pytest.mark.parametrize(("method", "path"), ROUTES, ids=[f"{m} {p}" for m, p in ROUTES])
def test_each_caller_gets_what_the_rule_says(matrix, shared_database, method, path):
    client, world = matrix
    rule = RULES.get((method, path))
    assert rule is not None, f"{method} {path} has no rule in tests/routes.py: decide who may call it"
    wrong = []
    for role in ROLES:
        if world.dirty:
            world.restore(shared_database)
        response = _call(client, world, method, path, role)
        outcome = _outcome(response)
        if outcome != rule[role]:
            wrong.append(f"{role}: expected {rule[role]}, got {response.status_code} {response.text[:160]!r}")
        if role not in (ADMIN, ALL, ORG_A) and not (rule is LINK and outcome == OK):
            leaked = [email for email in (SPEAKER_A, PARTICIPANT_A) if email in response.text]
            if leaked:
                wrong.append(f"{role}: the answer shows event A's {leaked}")
        sent_to_sign_in = role in (ANONYMOUS, WRONG) and outcome == SIGN_IN  # changed nothing
        if method in ("POST", "DELETE") and response.status_code < 400 and not sent_to_sign_in:
            world.dirty = True  # it may have removed or changed what the next call needs: a fresh world
    assert not wrong, f"{method} {path}:\n" + "\n".join(wrong)
