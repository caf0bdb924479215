"""Who may call each route of the application: one line per route, read by tests/test_routes.py.

Every route of ``app.routes`` (the API under /api/v1, the console under /manage, the public pages)
must have a line here, and a route that has none fails the test: whoever adds a route decides
here who may call it. A rule says, for each caller of the test's world, what the call must answer:

- ``OK``: permitted: a success, a redirect (not to the sign-in page), or a refusal of the content
  (400, 409, 422: the test sends empty bodies and forms);
- ``401``: no valid credentials (the API's answer to a missing or wrong token);
- ``SIGN_IN``: the console's answer to the same, a redirect to its sign-in page;
- ``403``: a known caller that may not do this;
- ``404``: a known caller that must not even learn that the row exists (another event's person,
  another organiser's template).

The callers: nobody, a wrong token, an admin, an organiser of all events, an organiser of event A,
an organiser of event B and check-in staff of event A; every id in an address names a row of
event A (or used by event A only), or an organiser of A's template or token.
"""

from __future__ import annotations

OK, SIGN_IN = "ok", "sign in"

ANONYMOUS, WRONG, ADMIN, ALL, ORG_A, ORG_B, DOOR_A = (
    "anonymous",
    "wrong token",
    "admin",
    "organiser of all events",
    "organiser of A",
    "organiser of B",
    "check-in of A",
)
ROLES = (ANONYMOUS, WRONG, ADMIN, ALL, ORG_A, ORG_B, DOOR_A)
CALLERS = (ADMIN, ALL, ORG_A, ORG_B, DOOR_A)  # those with valid credentials

ADMINS = (ADMIN,)
ALL_EVENTS = (ADMIN, ALL)
EVENT_A = (ADMIN, ALL, ORG_A)
ORGANISERS = (ADMIN, ALL, ORG_A, ORG_B)
STAFF_A = (ADMIN, ALL, ORG_A, DOOR_A)
SIGNED_IN = CALLERS

Rule = dict[str, object]


def _rule(unknown: object, allowed: tuple[str, ...], hidden: tuple[str, ...], refused: object = 403) -> Rule:
    return {
        ANONYMOUS: unknown,
        WRONG: unknown,
        **dict.fromkeys(CALLERS, refused),
        **dict.fromkeys(hidden, 404),
        **dict.fromkeys(allowed, OK),
    }


def api(*allowed: str, hidden: tuple[str, ...] = ()) -> Rule:
    return _rule(401, allowed, hidden)


def console(*allowed: str, hidden: tuple[str, ...] = ()) -> Rule:
    return _rule(SIGN_IN, allowed, hidden)


def anyone(**exceptions: object) -> Rule:
    return {**dict.fromkeys(ROLES, OK), **{ROLE_NAMES[name]: outcome for name, outcome in exceptions.items()}}


ROLE_NAMES = {"anonymous": ANONYMOUS, "wrong": WRONG, "org_b": ORG_B}

A_EVENT = api(*EVENT_A)
A_STAFF = api(*STAFF_A)
ANY_ORGANISER = api(*ORGANISERS)
A_DIRECTORY_ROW = api(*EVENT_A, hidden=(ORG_B,))  # used by event A only: organisers of B do not see it
PUBLIC = anyone()
# Pages opened by a signed link (a participant's, a report's): the link is the credential, whoever
# else is signed in; they may show the participant's own email.
LINK = anyone()
C_EVENT = console(*EVENT_A)

RULES: dict[tuple[str, str], Rule] = {
    ("GET", "/healthz"): PUBLIC,
    ("GET", "/openapi.json"): PUBLIC,
    ("GET", "/docs"): PUBLIC,
    # --- API: events, agenda ---
    ("POST", "/api/v1/events"): api(*ALL_EVENTS),
    ("GET", "/api/v1/events"): ANY_ORGANISER,  # each sees the events it manages
    ("GET", "/api/v1/events/{event_id}"): A_EVENT,
    ("PATCH", "/api/v1/events/{event_id}"): A_EVENT,
    ("DELETE", "/api/v1/events/{event_id}"): A_EVENT,
    ("POST", "/api/v1/events/{event_id}/clone"): api(*ALL_EVENTS),
    ("GET", "/api/v1/events/{event_id}/retention"): A_EVENT,
    ("PUT", "/api/v1/events/{event_id}/retention"): A_EVENT,
    ("POST", "/api/v1/events/{event_id}/sessions"): A_EVENT,
    ("GET", "/api/v1/events/{event_id}/sessions"): A_EVENT,
    ("GET", "/api/v1/events/{event_id}/sessions/{session_id}"): A_EVENT,
    ("PATCH", "/api/v1/events/{event_id}/sessions/{session_id}"): A_EVENT,
    ("DELETE", "/api/v1/events/{event_id}/sessions/{session_id}"): A_EVENT,
    # --- API: the directory, scoped to the caller's events ---
    ("POST", "/api/v1/organisations"): ANY_ORGANISER,
    ("GET", "/api/v1/organisations"): ANY_ORGANISER,
    ("GET", "/api/v1/organisations/{organisation_id}"): A_DIRECTORY_ROW,
    ("PATCH", "/api/v1/organisations/{organisation_id}"): A_DIRECTORY_ROW,
    ("DELETE", "/api/v1/organisations/{organisation_id}"): A_DIRECTORY_ROW,
    ("POST", "/api/v1/projects"): ANY_ORGANISER,
    ("GET", "/api/v1/projects"): ANY_ORGANISER,
    ("GET", "/api/v1/projects/{project_id}"): A_DIRECTORY_ROW,
    ("PATCH", "/api/v1/projects/{project_id}"): A_DIRECTORY_ROW,
    ("DELETE", "/api/v1/projects/{project_id}"): A_DIRECTORY_ROW,
    ("POST", "/api/v1/people"): ANY_ORGANISER,
    ("GET", "/api/v1/people"): ANY_ORGANISER,
    ("GET", "/api/v1/people/{person_id}"): A_DIRECTORY_ROW,
    ("PATCH", "/api/v1/people/{person_id}"): A_DIRECTORY_ROW,
    ("DELETE", "/api/v1/people/{person_id}"): A_DIRECTORY_ROW,
    # --- API: attendance ---
    ("POST", "/api/v1/events/{event_id}/checkins"): A_STAFF,
    ("POST", "/api/v1/events/{event_id}/checkins/undo"): A_STAFF,
    ("DELETE", "/api/v1/events/{event_id}/checkins/{checkin_id}"): A_STAFF,
    ("GET", "/api/v1/events/{event_id}/checkins"): A_STAFF,
    ("GET", "/api/v1/events/{event_id}/attendance"): A_EVENT,
    ("GET", "/api/v1/events/{event_id}/badges.pdf"): A_EVENT,
    ("GET", "/api/v1/events/{event_id}/certificates.pdf"): A_EVENT,
    ("GET", "/api/v1/registrations/{registration_id}/certificate.pdf"): A_EVENT,
    # --- API: breakouts ---
    ("GET", "/api/v1/events/{event_id}/sessions/{session_id}/groups"): A_EVENT,
    ("POST", "/api/v1/events/{event_id}/sessions/{session_id}/groups"): A_EVENT,
    ("GET", "/api/v1/events/{event_id}/sessions/{session_id}/groups/{group_id}"): A_EVENT,
    ("PATCH", "/api/v1/events/{event_id}/sessions/{session_id}/groups/{group_id}"): A_EVENT,
    ("DELETE", "/api/v1/events/{event_id}/sessions/{session_id}/groups/{group_id}"): A_EVENT,
    ("GET", "/api/v1/events/{event_id}/sessions/{session_id}/settings"): A_EVENT,
    ("PATCH", "/api/v1/events/{event_id}/sessions/{session_id}/settings"): A_EVENT,
    ("GET", "/api/v1/events/{event_id}/sessions/{session_id}/preferences"): A_EVENT,
    ("PUT", "/api/v1/events/{event_id}/sessions/{session_id}/preferences"): A_EVENT,
    ("POST", "/api/v1/events/{event_id}/sessions/{session_id}/assignment"): A_EVENT,
    ("GET", "/api/v1/events/{event_id}/sessions/{session_id}/assignment"): A_EVENT,
    ("POST", "/api/v1/events/{event_id}/sessions/{session_id}/assignment/move"): A_EVENT,
    # --- API: registrations ---
    ("POST", "/api/v1/events/{event_id}/registrations"): anyone(
        wrong=401
    ),  # public while open; a sent token must be valid
    ("GET", "/api/v1/events/{event_id}/registrations"): A_EVENT,
    ("GET", "/api/v1/events/{event_id}/registrations/export"): A_EVENT,
    ("POST", "/api/v1/events/{event_id}/registrations/import"): A_EVENT,
    ("GET", "/api/v1/registrations/{registration_id}"): A_EVENT,
    ("PATCH", "/api/v1/registrations/{registration_id}"): A_EVENT,
    ("POST", "/api/v1/registrations/{registration_id}/cancel"): A_EVENT,
    ("POST", "/api/v1/registrations/{registration_id}/approve"): A_EVENT,
    ("POST", "/api/v1/registrations/{registration_id}/reject"): A_EVENT,
    ("POST", "/api/v1/registrations/{registration_id}/promote"): A_EVENT,
    ("GET", "/api/v1/registrations/{registration_id}/data"): A_EVENT,
    ("POST", "/api/v1/registrations/{registration_id}/erase"): A_EVENT,
    ("GET", "/api/v1/events/{event_id}/questions"): A_EVENT,
    ("POST", "/api/v1/events/{event_id}/questions"): A_EVENT,
    ("PATCH", "/api/v1/events/{event_id}/questions/{question_id}"): A_EVENT,
    ("DELETE", "/api/v1/events/{event_id}/questions/{question_id}"): A_EVENT,
    # --- API: reports ---
    ("GET", "/api/v1/events/{event_id}/statistics"): A_EVENT,
    ("GET", "/api/v1/events/{event_id}/narrative"): A_EVENT,
    ("PUT", "/api/v1/events/{event_id}/narrative"): A_EVENT,
    ("PATCH", "/api/v1/events/{event_id}/narrative"): A_EVENT,
    ("GET", "/api/v1/events/{event_id}/sessions/{session_id}/notes"): A_EVENT,
    ("PUT", "/api/v1/events/{event_id}/sessions/{session_id}/notes"): A_EVENT,
    ("PATCH", "/api/v1/events/{event_id}/sessions/{session_id}/notes"): A_EVENT,
    ("POST", "/api/v1/events/{event_id}/reports"): A_EVENT,
    ("GET", "/api/v1/events/{event_id}/reports"): A_EVENT,
    ("GET", "/api/v1/reports/{report_id}"): A_EVENT,
    ("GET", "/api/v1/reports/{report_id}/download"): A_EVENT,
    ("GET", "/api/v1/events/{event_id}/report-parts"): A_EVENT,
    ("PUT", "/api/v1/events/{event_id}/report-parts"): A_EVENT,
    ("GET", "/api/v1/events/{event_id}/branding"): A_EVENT,
    ("PUT", "/api/v1/events/{event_id}/branding"): A_EVENT,
    ("PATCH", "/api/v1/events/{event_id}/branding"): A_EVENT,
    ("PUT", "/api/v1/events/{event_id}/branding/logo"): A_EVENT,
    ("GET", "/api/v1/events/{event_id}/branding/logo"): A_EVENT,
    ("DELETE", "/api/v1/events/{event_id}/branding/logo"): A_EVENT,
    ("POST", "/api/v1/events/{event_id}/report-images"): A_EVENT,
    ("GET", "/api/v1/events/{event_id}/report-images"): A_EVENT,
    ("GET", "/api/v1/events/{event_id}/report-images/{image_id}"): A_EVENT,
    ("DELETE", "/api/v1/events/{event_id}/report-images/{image_id}"): A_EVENT,
    # Templates belong to their creator (the organiser of A here): admins see all, other organisers none.
    ("POST", "/api/v1/report-templates"): ANY_ORGANISER,
    ("GET", "/api/v1/report-templates"): ANY_ORGANISER,
    ("GET", "/api/v1/report-templates/{template_id}"): api(ADMIN, ORG_A, hidden=(ALL, ORG_B)),
    ("DELETE", "/api/v1/report-templates/{template_id}"): api(ADMIN, ORG_A, hidden=(ALL, ORG_B)),
    ("GET", "/downloads/reports/{token}"): LINK,
    # --- API: an event's own email texts ---
    ("GET", "/api/v1/events/{event_id}/messages"): A_EVENT,
    ("GET", "/api/v1/events/{event_id}/messages/{message}"): A_EVENT,
    ("PUT", "/api/v1/events/{event_id}/messages/{message}"): A_EVENT,
    ("POST", "/api/v1/events/{event_id}/messages/{message}/preview"): A_EVENT,
    ("DELETE", "/api/v1/events/{event_id}/messages/{message}"): A_EVENT,
    # Organisers see their events' hooks (and, when not limited to events, every hook); B's must not learn of A's.
    ("POST", "/api/v1/webhooks"): ANY_ORGANISER,
    ("GET", "/api/v1/webhooks"): ANY_ORGANISER,
    ("DELETE", "/api/v1/webhooks/{webhook_id}"): A_DIRECTORY_ROW,
    ("POST", "/api/v1/events/{event_id}/mailings/preview"): A_EVENT,
    ("POST", "/api/v1/events/{event_id}/mailings"): A_EVENT,
    ("GET", "/api/v1/events/{event_id}/mailings"): A_EVENT,
    ("GET", "/api/v1/events/{event_id}/mailings/{mailing_id}"): A_EVENT,
    ("GET", "/api/v1/rule-templates"): ANY_ORGANISER,
    ("POST", "/api/v1/events/{event_id}/rules"): A_EVENT,
    ("GET", "/api/v1/events/{event_id}/rules"): A_EVENT,
    ("GET", "/api/v1/events/{event_id}/rules/{rule_id}"): A_EVENT,
    ("PATCH", "/api/v1/events/{event_id}/rules/{rule_id}"): A_EVENT,
    ("DELETE", "/api/v1/events/{event_id}/rules/{rule_id}"): A_EVENT,
    # --- public pages ---
    ("GET", "/events/{slug}"): PUBLIC,
    ("GET", "/events/{slug}/register"): PUBLIC,
    ("POST", "/events/{slug}/register"): PUBLIC,
    ("GET", "/events/{slug}/register/submitted"): PUBLIC,
    ("GET", "/events/{slug}/agenda.ics"): PUBLIC,
    ("GET", "/r/{token}"): LINK,
    ("POST", "/r/{token}"): LINK,
    ("GET", "/r/{token}/confirm"): LINK,
    ("POST", "/r/{token}/confirm"): LINK,
    ("GET", "/r/{token}/cancel"): LINK,
    ("POST", "/r/{token}/cancel"): LINK,
    ("GET", "/r/{token}/erase"): LINK,
    ("POST", "/r/{token}/erase"): LINK,
    ("GET", "/r/{token}/data.json"): LINK,
    ("GET", "/r/{token}/breakouts"): LINK,
    ("POST", "/r/{token}/breakouts"): LINK,
    ("POST", "/r/{token}/messages"): LINK,
    # An optional email's unsubscribe link: the signed token is the credential (a mail provider's
    # one-click POST carries nothing else).
    ("GET", "/unsubscribe/{token}"): LINK,
    ("POST", "/unsubscribe/{token}"): LINK,
    # A participant's calendar feed: its own signed address (not the page's), whoever else is signed in.
    ("GET", "/calendar/{token}.ics"): LINK,
    # A working group's rapporteur: the signed link opens that group alone, whoever else is signed in.
    ("GET", "/rapporteur/{token}"): LINK,
    ("POST", "/rapporteur/{token}"): LINK,
    # The door's check-in page: its sign-in form is open; the rest needs a check-in or organiser
    # token of the event in its cookie (anything else is asked to sign in: a 401 page).
    ("GET", "/events/{slug}/checkin"): PUBLIC,
    ("POST", "/events/{slug}/checkin/login"): dict.fromkeys(ROLES, 401),  # an empty token is no token
    ("POST", "/events/{slug}/checkin/logout"): PUBLIC,
    ("POST", "/events/{slug}/checkin"): _rule(401, STAFF_A, (), refused=401),
    ("GET", "/events/{slug}/checkin/counts"): _rule(401, STAFF_A, (), refused=401),
    # --- console ---
    ("GET", "/manage/login"): PUBLIC,
    ("POST", "/manage/login"): PUBLIC,
    ("POST", "/manage/logout"): dict.fromkeys(ROLES, SIGN_IN),  # signed out, back to the sign-in page
    ("GET", "/manage/forgot-password"): PUBLIC,
    ("POST", "/manage/forgot-password"): PUBLIC,
    ("GET", "/manage/reset-password"): PUBLIC,
    ("POST", "/manage/reset-password"): PUBLIC,
    ("GET", "/manage"): console(*SIGNED_IN),  # organisers see the events they manage, check-in staff their doors
    ("GET", "/manage/events/new"): console(*ALL_EVENTS),
    ("POST", "/manage/events/new"): console(*ALL_EVENTS),
    ("GET", "/manage/events/{event_ref}/clone"): console(*ALL_EVENTS),
    ("POST", "/manage/events/{event_ref}/clone"): console(*ALL_EVENTS),
    ("GET", "/manage/events/{event_ref}"): C_EVENT,
    ("GET", "/manage/events/{event_ref}/edit"): C_EVENT,
    ("POST", "/manage/events/{event_ref}/edit"): C_EVENT,
    ("POST", "/manage/events/{event_ref}/publish"): C_EVENT,
    ("GET", "/manage/events/{event_ref}/registrations"): C_EVENT,
    ("GET", "/manage/events/{event_ref}/registrations/export"): C_EVENT,
    ("POST", "/manage/events/{event_ref}/registrations/bulk"): C_EVENT,
    ("GET", "/manage/events/{event_ref}/registrations/import"): C_EVENT,
    ("POST", "/manage/events/{event_ref}/registrations/import"): C_EVENT,
    ("POST", "/manage/events/{event_ref}/registrations/import/all"): C_EVENT,
    ("GET", "/manage/events/{event_ref}/registrations/new"): C_EVENT,
    ("POST", "/manage/events/{event_ref}/registrations/new"): C_EVENT,
    ("GET", "/manage/events/{event_ref}/registrations/{registration_id}"): C_EVENT,
    ("GET", "/manage/events/{event_ref}/registrations/{registration_id}/edit"): C_EVENT,
    ("POST", "/manage/events/{event_ref}/registrations/{registration_id}/edit"): C_EVENT,
    ("POST", "/manage/events/{event_ref}/registrations/{registration_id}/{action}"): C_EVENT,
    ("GET", "/manage/events/{event_ref}/agenda"): C_EVENT,
    ("POST", "/manage/events/{event_ref}/agenda"): C_EVENT,
    ("GET", "/manage/events/{event_ref}/agenda/{session_id}"): C_EVENT,
    ("POST", "/manage/events/{event_ref}/agenda/{session_id}"): C_EVENT,
    ("POST", "/manage/events/{event_ref}/agenda/{session_id}/delete"): C_EVENT,
    ("GET", "/manage/events/{event_ref}/questions"): C_EVENT,
    ("POST", "/manage/events/{event_ref}/questions"): C_EVENT,
    ("GET", "/manage/events/{event_ref}/questions/{question_id}"): C_EVENT,
    ("POST", "/manage/events/{event_ref}/questions/{question_id}"): C_EVENT,
    ("POST", "/manage/events/{event_ref}/questions/{question_id}/{change}"): C_EVENT,
    ("GET", "/manage/events/{event_ref}/emails"): C_EVENT,
    ("POST", "/manage/events/{event_ref}/emails/{email_id}/retry"): C_EVENT,
    ("GET", "/manage/events/{event_ref}/messages"): C_EVENT,
    ("GET", "/manage/events/{event_ref}/messages/{message}"): C_EVENT,
    ("POST", "/manage/events/{event_ref}/messages/{message}"): C_EVENT,
    ("POST", "/manage/events/{event_ref}/messages/{message}/restore"): C_EVENT,
    ("GET", "/manage/events/{event_ref}/rules"): C_EVENT,
    ("POST", "/manage/events/{event_ref}/rules"): C_EVENT,
    ("GET", "/manage/events/{event_ref}/rules/{rule_id}"): C_EVENT,
    ("POST", "/manage/events/{event_ref}/rules/{rule_id}"): C_EVENT,
    ("POST", "/manage/events/{event_ref}/rules/{rule_id}/delete"): C_EVENT,
    ("GET", "/manage/events/{event_ref}/breakouts"): C_EVENT,
    ("GET", "/manage/events/{event_ref}/breakouts/{session_id}"): C_EVENT,
    ("POST", "/manage/events/{event_ref}/breakouts/{session_id}/groups"): C_EVENT,
    ("POST", "/manage/events/{event_ref}/breakouts/{session_id}/groups/{group_id}"): C_EVENT,
    ("POST", "/manage/events/{event_ref}/breakouts/{session_id}/groups/{group_id}/delete"): C_EVENT,
    ("POST", "/manage/events/{event_ref}/breakouts/{session_id}/groups/{group_id}/notes"): C_EVENT,
    ("POST", "/manage/events/{event_ref}/breakouts/{session_id}/settings"): C_EVENT,
    ("POST", "/manage/events/{event_ref}/breakouts/{session_id}/remind"): C_EVENT,
    ("GET", "/manage/events/{event_ref}/breakouts/{session_id}/proposal"): C_EVENT,
    ("POST", "/manage/events/{event_ref}/breakouts/{session_id}/proposal"): C_EVENT,
    ("POST", "/manage/events/{event_ref}/breakouts/{session_id}/proposal/move"): C_EVENT,
    ("POST", "/manage/events/{event_ref}/breakouts/{session_id}/proposal/lock"): C_EVENT,
    ("POST", "/manage/events/{event_ref}/breakouts/{session_id}/proposal/commit"): C_EVENT,
    ("POST", "/manage/events/{event_ref}/breakouts/{session_id}/proposal/discard"): C_EVENT,
    ("GET", "/manage/events/{event_ref}/breakouts/{session_id}/lists.pdf"): C_EVENT,
    ("GET", "/manage/events/{event_ref}/day"): C_EVENT,
    ("GET", "/manage/events/{event_ref}/day/badges.pdf"): C_EVENT,
    ("GET", "/manage/events/{event_ref}/day/certificates.pdf"): C_EVENT,
    # The console's check-in page: the event's door staff as well as its organisers.
    ("GET", "/manage/events/{event_ref}/checkin"): console(*STAFF_A),
    ("POST", "/manage/events/{event_ref}/checkin"): console(*STAFF_A),
    ("GET", "/manage/events/{event_ref}/checkin/counts"): console(*STAFF_A),
    # An account's own tokens; the one in the address is the organiser of A's (admins see every token).
    ("GET", "/manage/events/{event_ref}/narrative"): C_EVENT,
    ("POST", "/manage/events/{event_ref}/narrative/{part}"): C_EVENT,
    ("POST", "/manage/events/{event_ref}/narrative/sessions/{session_id}"): C_EVENT,
    ("GET", "/manage/events/{event_ref}/report"): C_EVENT,
    ("POST", "/manage/events/{event_ref}/report"): C_EVENT,
    ("GET", "/manage/events/{event_ref}/report/{report_id}/download"): C_EVENT,
    ("GET", "/manage/events/{event_ref}/statistics"): C_EVENT,
    ("GET", "/manage/report-templates"): console(*ORGANISERS),  # each sees their own and the built-in ones
    ("POST", "/manage/report-templates"): console(*ORGANISERS),
    ("GET", "/manage/report-templates/context"): console(*ORGANISERS),
    ("POST", "/manage/report-templates/{template_id}/delete"): console(ADMIN, ORG_A, hidden=(ALL, ORG_B)),
    ("GET", "/manage/tokens"): console(*SIGNED_IN),
    ("POST", "/manage/tokens"): console(*SIGNED_IN),
    ("POST", "/manage/tokens/{token_id}/revoke"): console(ADMIN, ORG_A, hidden=(ALL, ORG_B, DOOR_A)),
    ("GET", "/manage/events/{event_ref}/mailings"): C_EVENT,
    ("GET", "/manage/events/{event_ref}/mailings/new"): C_EVENT,
    ("GET", "/manage/events/{event_ref}/mailings/{mailing_id}"): C_EVENT,
    ("POST", "/manage/events/{event_ref}/mailings"): C_EVENT,
    ("GET", "/manage/webhooks"): console(*ORGANISERS),
    ("POST", "/manage/webhooks"): console(*ORGANISERS),
    ("POST", "/manage/webhooks/{webhook_id}/delete"): console(*EVENT_A, hidden=(ORG_B,)),
    ("GET", "/manage/users"): console(*ADMINS),
    ("POST", "/manage/users"): console(*ADMINS),
    ("POST", "/manage/users/{account_id}/{change}"): console(*ADMINS),
}
