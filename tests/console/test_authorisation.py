"""Every console route, for every kind of visitor: signed out, check-in staff, organiser of another
event, the event's organiser, an organiser of every event, admin. The rules are the API's."""

from __future__ import annotations

import pytest

from app.breakouts.schemas import GroupCreate
from app.breakouts.service import create_group
from app.console.routes import ROUTERS
from app.core.csrf import COOKIE_NAME, Csrf
from app.events.models import Event
from app.registration.questions import create_question
from app.registration.schemas import QuestionCreate
from app.reports.models import Report, ReportFile, ReportFormat, ReportStatus
from app.reports.schemas import TemplateCreate
from app.reports.service import create_template
from tests.console.conftest import sign_in
from tests.factories import create_session
from tests.registration.conftest import add_registration

# Pages every organiser may open (showing only their own events) and pages of one event.
ANY_ORGANISER = {("GET", "/manage"), ("GET", "/manage/report-templates"), ("POST", "/manage/report-templates"),
                 ("GET", "/manage/report-templates/context"), ("POST", "/manage/report-templates/{template_id}/delete")}
# Pages of the console that anyone may open, signed in or not.
OPEN = {("GET", "/manage/login"), ("POST", "/manage/login"), ("POST", "/manage/logout"),
        ("GET", "/manage/forgot-password"), ("POST", "/manage/forgot-password"),
        ("GET", "/manage/reset-password"), ("POST", "/manage/reset-password")}
# Pages for admins only, and pages for accounts not limited to chosen events (the organiser of the
# cast is limited to its event, as an API token for one event would be).
ADMIN_ONLY = {("GET", "/manage/users"), ("POST", "/manage/users"), ("POST", "/manage/users/{account_id}/{change}")}
UNLIMITED = {("GET", "/manage/events/new"), ("POST", "/manage/events/new"),
             ("GET", "/manage/events/{event_ref}/clone"), ("POST", "/manage/events/{event_ref}/clone")}
# Pages of the account itself (every signed-in account, organisers and admins as the API allows).
OWN = {("GET", "/manage/tokens"), ("POST", "/manage/tokens"), ("POST", "/manage/tokens/{token_id}/revoke")}
# The check-in pages: the event's check-in staff as well as its organisers; and the list of them that
# check-in staff see at /manage (organisers see their events there).
DOOR = {("GET", "/manage/events/{event_ref}/checkin"), ("POST", "/manage/events/{event_ref}/checkin"),
        ("GET", "/manage/events/{event_ref}/checkin/counts")}
CHECKIN_STAFF = OWN | DOOR | {("GET", "/manage")}
# A download with nothing to print yet goes back to its page with the reason (nobody is checked in);
# a check-in with an empty form is refused as the door's rules say (the test event is years away).
NOTHING_YET = {("GET", "/manage/events/{event_ref}/day/certificates.pdf")}
NOT_OPEN_YET = {("POST", "/manage/events/{event_ref}/checkin")}
EXAMPLES = {"event_ref": "{event}", "registration_id": "{registration}", "action": "approve", "token_id": "1",
            "account_id": "1", "change": "enable", "question_id": "{question}",
            "session_id": "{session}", "email_id": "1", "group_id": "{group}", "part": "summary",
            "report_id": "{report}", "template_id": "{template}",
            "message": "registered"}
# What a permitted call with an empty form answers: shown (200), done (303), refused for its content
# (422), or a token that is not the caller's (404); never forbidden, never a redirect to sign in.
PERMITTED = {"GET": (200,), "POST": (201, 303, 404, 422)}


def console_routes() -> list[tuple[str, str]]:
    return [(method, route.path) for router in ROUTERS for route in router.routes for method in sorted(route.methods)]


ROUTES = [route for route in console_routes() if route not in OPEN]


def test_the_list_of_routes_is_the_consoles():
    assert ("GET", "/manage/events/{event_ref}/registrations/{registration_id}") in ROUTES
    assert len(ROUTES) >= 10


@pytest.fixture
def registration_id(db, console_event) -> dict:
    """The ids the console's addresses name: a registration, a question, a (breakout) session and its group,
    a report and a report template."""
    event, _ = console_event
    with db.transaction() as session:
        stored = session.get(Event, event.id)
        question = create_question(session, stored, QuestionCreate(key="diet", label="Diet", kind="text"))
        item = create_session(session, stored, kind="breakout")
        group = create_group(session, item, GroupCreate(title="Skills", capacity=5))
        report = Report(event_id=stored.id, format=ReportFormat.md, template="thematic-workshop",
                        status=ReportStatus.done, filename="report.md", size=2)
        session.add(report)
        session.flush()
        session.add(ReportFile(report_id=report.id, content=b"# "))
        template = create_template(session, TemplateCreate(name="mine", kind="md", source="# {{ event.title }}"))
        return {"registration": add_registration(session, stored).id, "question": question.id,
                "session": item.id, "group": group.id, "report": report.id, "template": template.id}


def _call(client, method: str, path: str, event, ids: dict):
    url = path
    for name, example in EXAMPLES.items():
        url = url.replace("{" + name + "}", example)
    url = url.format(event=event.slug, **ids)
    if method == "GET":
        return client.get(url, follow_redirects=False)
    if COOKIE_NAME not in client.cookies:
        client.get("/manage/login")
    # The token the browser's pages would carry: refusals must come from the rules, not from CSRF.
    token = Csrf(client.app.state.settings, client.cookies.get(COOKIE_NAME), secure=False).token
    return client.post(url, data={"csrf_token": token}, follow_redirects=False)


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_signed_out_visitors_are_sent_to_sign_in(client, console_event, registration_id, method, path):
    event, _ = console_event
    response = _call(client, method, path, event, registration_id)
    assert response.status_code == 303 and response.headers["location"].startswith("/manage/login")


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_checkin_staff_are_refused(client, cast, console_event, registration_id, method, path):
    event, _ = console_event
    sign_in(client, cast.checkin)
    response = _call(client, method, path, event, registration_id)
    permitted = PERMITTED[method] + ((409,) if (method, path) in NOT_OPEN_YET else ())
    assert response.status_code in (permitted if (method, path) in CHECKIN_STAFF else (403,))
    if path == "/manage":
        assert f"/manage/events/{event.slug}/checkin" in response.text


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_an_organiser_of_another_event_changes_and_sees_nothing_of_this_one(client, cast, console_event, registration_id,
                                                                          method, path):
    event, other = console_event
    sign_in(client, cast.other_organiser)
    response = _call(client, method, path, event, registration_id)
    if (method, path) in OWN | ANY_ORGANISER:
        assert response.status_code in PERMITTED[method] and event.title not in response.text
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("role", ["organiser", "all_organiser", "admin"])
@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_the_events_organiser_and_admins_may(client, cast, console_event, registration_id, method, path, role):
    event, other = console_event
    sign_in(client, getattr(cast, role))
    response = _call(client, method, path, event, registration_id)
    if ((method, path) in ADMIN_ONLY and role != "admin") or ((method, path) in UNLIMITED and role == "organiser"):
        assert response.status_code == 403
        return
    # A GET shows the page; a POST with an empty form is refused for its content or done, never forbidden.
    permitted = PERMITTED[method] + ((303,) if (method, path) in NOTHING_YET else ()) + \
        ((409,) if (method, path) in NOT_OPEN_YET else ())
    assert response.status_code in permitted, response.text[:300]
    assert not response.headers.get("location", "").startswith("/manage/login")
    if path == "/manage":
        assert event.title in response.text and (other.title in response.text) is (role != "organiser")
