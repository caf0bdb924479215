"""The ``convene`` command: thin wrappers that open a transaction and call services.

Each command imports what it uses when it runs, so that ``convene --help`` (and a command's own
help) answers at once instead of first loading the web framework, the database layer and the
solvers (seconds). Only the option types (roles, report formats) are imported up front.
"""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from app.core.errors import AppError
from app.core.roles import Role
from app.core.serving import KEEP_ALIVE_SECONDS
from app.reports.formats import ReportFormat

# Plain help and errors (click's, rich_markup_mode=None): typer's boxed ones load rich.markdown and
# took longer to draw than the rest of `convene --help` together (0.35 of 0.6 s on an idle machine).
app = typer.Typer(
    help="Convene: workshops, registration, breakouts, check-in and the event report.",
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    no_args_is_help=True,
)
token_app = typer.Typer(
    help="API tokens for organisers, admins and check-in staff.", rich_markup_mode=None, no_args_is_help=True
)
app.add_typer(token_app, name="token")
user_app = typer.Typer(
    help="Console accounts: people who sign in at /manage.", rich_markup_mode=None, no_args_is_help=True
)
app.add_typer(user_app, name="user")
outbox_app = typer.Typer(
    help="The emails Convene has queued: read what is (or would be) sent.", rich_markup_mode=None, no_args_is_help=True
)
app.add_typer(outbox_app, name="outbox")

out = Console(soft_wrap=True)
err = Console(stderr=True)


def _database():
    import app.models  # noqa: F401  (every table mapped: a token's row refers to an account's)
    from app.core.config import get_settings
    from app.core.db import Database

    return Database(get_settings().database_url)


def _fail(error: AppError) -> None:
    err.print(f"[red]error:[/red] {error.detail}")
    raise typer.Exit(1)


@app.command()
def migrate() -> None:
    """Bring the configured database to the latest schema (alembic upgrade head)."""
    from app.core.migrate import upgrade

    database = _database()
    upgrade(database.engine)
    err.print(f"database at {database.engine.url.render_as_string(hide_password=True)} is up to date")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port to listen on")] = 8000,
    workers: Annotated[int, typer.Option(help="worker processes (use PostgreSQL for more than one)")] = 1,
    log_level: Annotated[str, typer.Option(help="uvicorn's log level: debug, info, warning, error")] = "info",
    access_log: Annotated[bool, typer.Option(help="a line per request (a reverse proxy may log them already)")] = True,
    keep_alive: Annotated[
        int,
        typer.Option(
            min=1, help="seconds an idle connection is kept open: longer than any proxy's in front keeps its own"
        ),
    ] = KEEP_ALIVE_SECONDS,
) -> None:
    """Serve the API and the public pages."""
    from app.core.serving import serve as serve_app

    try:
        serve_app(
            "app.main:served_app",
            host=host,
            port=port,
            workers=workers,
            log_level=log_level,
            access_log=access_log,
            keep_alive=keep_alive,
        )
    except OSError as error:  # the address is taken, or not this machine's
        err.print(f"[red]error:[/red] cannot listen on {host}:{port}: {error.strerror}")
        raise typer.Exit(1) from None


breakouts_app = typer.Typer(
    help="Breakout groups: solve an assignment instance offline.", rich_markup_mode=None, no_args_is_help=True
)
app.add_typer(breakouts_app, name="breakouts")


@breakouts_app.command("solve")
def breakouts_solve(
    file: Annotated[Path, typer.Argument(help="an instance file (JSON; the format: docs/breakout-instance.md)")],
    out_file: Annotated[Path | None, typer.Option("--out", help="also write the result JSON here")] = None,
) -> None:
    """Solve a breakout-assignment instance to optimality and print the result JSON."""
    from app.breakouts.placement import solve_instance_file

    try:
        result = json.dumps(solve_instance_file(file), indent=2, ensure_ascii=False)
    except AppError as error:
        _fail(error)
    if out_file is not None:
        out_file.write_text(result + "\n", encoding="utf-8")
    print(result)


@app.command()
def check(
    repair: Annotated[
        bool, typer.Option("--repair", help="set the seat and waiting-list counters to the counts")
    ] = False,
) -> None:
    """Check that every event's seat and waiting-list counters equal its registrations; list what differs
    (exit status 1 if anything does). Safe on a live database."""
    from app.registration import capacity

    database = _database()
    with database.transaction(write=repair) as session:
        differences = capacity.differences(session)
        for difference in differences:
            out.print(f"event {difference.event_id} ({difference.slug}): {difference.problem}", highlight=False)
        if repair and differences:
            changed = capacity.recount(session)
            differences = capacity.differences(session)  # a broken waiting list is not a count to reset
            err.print(f"counters set to the counts on {changed} event(s); {len(differences)} difference(s) left")
    if differences:
        raise typer.Exit(1)
    err.print("seat and waiting-list counters agree with the registrations")


@app.command("export")
def export(
    slug: Annotated[str, typer.Argument(help="the event's slug")],
    out_file: Annotated[Path, typer.Option("--out", help="the archive to write (JSON)")],
) -> None:
    """Write a whole event (agenda, people, registrations, narrative, breakouts, attendance, reports'
    metadata) to a versioned JSON archive, for a backup or a move to another database."""
    from app.backup.archive import export_event

    database = _database()
    try:
        with database.transaction(write=False) as session:
            archive = export_event(session, slug)
    except AppError as error:
        _fail(error)
    out_file.write_text(json.dumps(archive, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    rows = sum(len(rows) for rows in archive["tables"].values())
    err.print(f"wrote {out_file}: event {slug!r}, {rows} rows in {len(archive['tables'])} tables")


@app.command("import")
def import_(
    file: Annotated[Path, typer.Argument(help="an archive written by `convene export`")],
    slug: Annotated[str | None, typer.Option(help="restore under this slug instead of the archived one")] = None,
) -> None:
    """Restore an event from an archive into the configured database (all of it, or nothing)."""
    from app.backup.archive import import_event

    try:
        archive = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        err.print(f"[red]error:[/red] cannot read {file}: {error}")
        raise typer.Exit(1) from None
    database = _database()
    try:
        with database.transaction() as session:
            event_id, counts = import_event(session, archive, slug=slug)
    except AppError as error:
        _fail(error)
    err.print(
        f"restored event {slug or archive['event']!r} as id {event_id}: "
        + ", ".join(f"{count} {name}" for name, count in counts.items())
    )


@app.command()
def worker(once: Annotated[bool, typer.Option("--once", help="drain what is due, then exit")] = False) -> None:
    """Deliver queued emails and run queued jobs (several workers may share a PostgreSQL database)."""
    from app.core.config import get_settings
    from app.worker import run

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    run(get_settings(), once=once)


@outbox_app.command("list")
def outbox_list(
    event: Annotated[str | None, typer.Option(help="only the emails about this event (its slug or id)")] = None,
    status: Annotated[str | None, typer.Option(help="queued, running, done (sent) or failed")] = None,
    limit: Annotated[int, typer.Option(min=1, max=10_000, help="how many, newest first")] = 50,
) -> None:
    """List queued and sent emails, newest first: id, status, message, when queued or sent, recipient."""
    from app.core.queue import QueueStatus
    from app.events.service import get_event_by_ref
    from app.notifications.reading import list_outbox
    from app.registration.emails import event_emails

    try:
        wanted = QueueStatus(status) if status else None
    except ValueError:
        err.print(f"[red]error:[/red] --status must be one of {', '.join(s.value for s in QueueStatus)}")
        raise typer.Exit(2) from None
    try:
        with _database().transaction(write=False) as session:
            emails = (
                event_emails(session, get_event_by_ref(session, event), status=wanted, limit=limit)
                if event
                else list_outbox(session, status=wanted, limit=limit)
            )
    except AppError as error:
        _fail(error)
    table = Table("id", "status", "message", "when (UTC)", "last error")
    table.add_column("to", no_wrap=True)
    for email in emails:
        table.add_row(
            str(email.id),
            email.status.value,
            email.template,
            f"{email.finished_at or email.created_at:%Y-%m-%d %H:%M}",
            email.last_error or "",
            email.to_address,
        )
    out.print(table)


@outbox_app.command("show")
def outbox_show(email_id: Annotated[int, typer.Argument(help="the id shown by `convene outbox list`")]) -> None:
    """Print one email as it is (or would be) sent: headers, then the plain-text part, links included."""
    from app.core.config import get_settings
    from app.notifications.event_texts import texts_for
    from app.notifications.reading import get_outbox_email, render_outbox_email
    from app.worker import email_context_links

    settings = get_settings()
    try:
        with _database().transaction(write=False) as session:
            email = get_outbox_email(session, email_id)
            rendered = render_outbox_email(
                email, settings, email_context_links, text=texts_for(session, [email]).get(email.id)
            )
    except AppError as error:
        _fail(error)
    print(
        f"To: {email.to_address}\nSubject: {rendered.subject}\nStatus: {email.status.value}\n\n{rendered.text}", end=""
    )


@token_app.command("create")
def token_create(
    role: Annotated[Role, typer.Option(help="admin, organiser or checkin")],
    event: Annotated[str | None, typer.Option(help="limit the token to this event (its slug or id)")] = None,
    name: Annotated[str | None, typer.Option(help="who or what the token is for")] = None,
) -> None:
    """Create an API token and print it (only the token, on stdout); only its hash is stored."""
    from app.core.security import create_token
    from app.events.service import get_event_by_ref

    database = _database()
    try:
        with database.transaction() as session:
            event_id = get_event_by_ref(session, event).id if event else None
            raw = create_token(session, role=role, name=name or f"{role.value} token", event_id=event_id)
    except AppError as error:
        _fail(error)
    print(raw)


@token_app.command("list")
def token_list() -> None:
    """List the API tokens (never the tokens themselves): id, name, role, event, owner, last used."""
    from app.accounts.tokens import list_tokens

    with _database().transaction(write=False) as session:
        rows = list_tokens(session)
    table = Table("id", "name", "role", "event", "owner", "created", "last used", "revoked")
    for row in rows:
        table.add_row(
            str(row.id),
            row.name,
            row.role.value,
            row.event_slug or "all",
            row.owner or "(CLI)",
            f"{row.created_at:%Y-%m-%d %H:%M}",
            f"{row.last_used_at:%Y-%m-%d %H:%M}" if row.last_used_at else "never",
            f"{row.revoked_at:%Y-%m-%d %H:%M}" if row.revoked_at else "",
        )
    out.print(table)


@token_app.command("revoke")
def token_revoke(token_id: Annotated[int, typer.Argument(help="the id shown by `convene token list`")]) -> None:
    """Revoke an API token: it stops working at once."""
    from app.accounts.tokens import revoke_token

    try:
        with _database().transaction() as session:
            token = revoke_token(session, token_id)
    except AppError as error:
        _fail(error)
    err.print(f"revoked token {token.id} ({token.name})")


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return typer.prompt("Password", hide_input=True, confirmation_prompt=True)


@user_app.command("create")
def user_create(
    email: Annotated[str, typer.Argument(help="the address the person signs in with")],
    role: Annotated[Role, typer.Option(help="admin, organiser or checkin")],
    event: Annotated[
        list[str] | None, typer.Option(help="limit the account to this event, by slug or id (repeatable)")
    ] = None,
    name: Annotated[str | None, typer.Option(help="the name shown in the console (default: from the address)")] = None,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="read the password from the first line of stdin")
    ] = False,
) -> None:
    """Create a console account; without --password-stdin the password is asked twice."""
    from app.accounts import service as accounts
    from app.events.service import get_event_by_ref

    password = _read_password(password_stdin)
    try:
        with _database().transaction() as session:
            event_ids = frozenset(get_event_by_ref(session, ref).id for ref in event or [])
            account = accounts.create_account(
                session,
                email=email,
                display_name=name or email.split("@")[0],
                password=password,
                role=role,
                event_ids=event_ids,
            )
    except AppError as error:
        _fail(error)
    err.print(
        f"created {account.role.value} account {account.email}" + (f" for {', '.join(event or [])}" if event else "")
    )


@user_app.command("list")
def user_list() -> None:
    """List the console accounts with their role, events and state."""
    from app.accounts import service as accounts

    with _database().transaction(write=False) as session:
        rows = [
            (account, accounts.account_event_slugs(session, account)) for account in accounts.list_accounts(session)
        ]
    table = Table("email", "name", "role", "events", "state", "last sign-in")
    for account, slugs in rows:
        table.add_row(
            account.email,
            account.display_name,
            account.role.value,
            ", ".join(slugs) or "all",
            "disabled" if account.disabled_at else "enabled",
            f"{account.last_sign_in_at:%Y-%m-%d %H:%M}" if account.last_sign_in_at else "never",
        )
    out.print(table)


def _set_disabled(email: str, disabled: bool) -> None:
    from app.accounts import service as accounts

    try:
        with _database().transaction() as session:
            account = accounts.set_disabled(session, accounts.account_by_email(session, email), disabled)
    except AppError as error:
        _fail(error)
    err.print(f"{'disabled' if disabled else 'enabled'} {account.email}")


@user_app.command("disable")
def user_disable(email: Annotated[str, typer.Argument(help="the account's email address")]) -> None:
    """Disable an account: it is signed out everywhere and cannot sign in."""
    _set_disabled(email, True)


@user_app.command("enable")
def user_enable(email: Annotated[str, typer.Argument(help="the account's email address")]) -> None:
    """Enable a disabled account again."""
    _set_disabled(email, False)


@app.command()
def demo(
    serve_after: Annotated[bool, typer.Option("--serve/--no-serve", help="serve after loading")] = True,
    port: Annotated[int, typer.Option(help="port to serve on")] = 8000,
) -> None:
    """Migrate the database, load the demo workshop (once), print its addresses, then serve."""
    from app.core.config import get_settings
    from app.core.db import Database
    from app.core.migrate import upgrade
    from app.core.security import derived_token, ensure_token
    from app.core.serving import serve as serve_app
    from app.demo.accounts import DEMO_ORGANISER_EMAIL, demo_password, ensure_demo_organiser
    from app.demo.loader import load_demo
    from app.demo.report import generate_demo_reports
    from app.reports.links import signed_download_path

    settings = get_settings()
    database = Database(settings.database_url)
    upgrade(database.engine)
    with database.transaction() as session:
        result = load_demo(session)
        reports = generate_demo_reports(session, result.event)
        token = ensure_token(
            session, derived_token(settings.signing_key(), "demo-organiser"), role=Role.organiser, name="demo organiser"
        )
        organiser_password = demo_password(settings.signing_key())
        ensure_demo_organiser(session, organiser_password)
    database.dispose()
    event = result.event
    base = f"http://127.0.0.1:{port}" if serve_after or port != 8000 else settings.base_url
    out.print(f"[bold]{'Loaded' if result.created else 'Already loaded'}:[/bold] {event.title}")
    out.print(f"  Organiser console  {base}/manage")
    out.print(f"    sign in with     {DEMO_ORGANISER_EMAIL}  password {organiser_password}")
    out.print(f"  API docs           {base}/docs")
    out.print(f"  Event page         {base}/events/{event.slug}")
    out.print(
        f"  Registration form  {base}/events/{result.upcoming.slug}/register  (an upcoming workshop; the 2018 one is closed)"
    )
    out.print(f"  Upcoming event     {base}/events/{result.upcoming.slug}")
    out.print(f"  Agenda (iCal)      {base}/events/{event.slug}/agenda.ics")
    out.print(f"  Event in the API   {base}/api/v1/events/{event.id}")
    out.print(f"  Organiser token    {token}")
    out.print(f'  Try:  curl -H "Authorization: Bearer {token}" {base}/api/v1/events/{event.id}')
    for item in reports:  # the event report in every format, by links a browser opens (for 7 days)
        out.print(f"  {f'Report ({item.format.value})':<19}{base}{signed_download_path(settings, item)}")
    if serve_after:
        serve_app("app.main:served_app", host="127.0.0.1", port=port, workers=1)


@app.command()
def report(
    slug: Annotated[str, typer.Argument(help="the event's slug or id")],
    format: Annotated[ReportFormat, typer.Option("--format", help="html, pdf, docx or md")],
    out_file: Annotated[Path, typer.Option("--out", help="the file to write")],
    template: Annotated[str | None, typer.Option(help="a built-in or uploaded template name")] = None,
) -> None:
    """Render the event report from the database into a file."""
    from app.reports.command import write_report
    from app.reports.sandbox import TemplateProblem

    try:
        write_report(_database(), slug, format, out_file, template=template, console=err)
    except AppError as error:
        _fail(error)
    except TemplateProblem as problem:
        err.print(f"[red]template error:[/red] {problem}")
        raise typer.Exit(1) from None
