"""Registrations per second against a live server, on a capacity-limited event, beside the database's ceiling.

    uv run python benchmarks/registration_load.py                    # a fresh SQLite file, 1 server worker
    uv run python benchmarks/registration_load.py --postgres postgresql+psycopg://postgres@127.0.0.1:5432/postgres --workers 2
    uv run python benchmarks/registration_load.py --postgres URL --workers 2 --ceiling --repeat 3   # issue 14's figure
    uv run python benchmarks/registration_load.py --requests 20000 --capacity 10000 --rate-every 1000  # a large event
    uv run python benchmarks/registration_load.py --url http://127.0.0.1:8000 --token cvn_...   # a running server
    uv run python benchmarks/registration_load.py --organisations 5000   # each registrant names one of 5,000 organisations

Creates an event of ``--capacity`` seats through the API (an organiser token), then N clients
(``--clients``, each its own keep-alive connection) post ``--requests`` registrations, each with
its own email, as fast as the server answers. Prints registrations/s, p50/p99 latency, the server
processes' CPU time per registration, and checks: exactly ``capacity`` confirmed, the rest
waitlisted with positions 1..N-capacity, no error; on a server it started, also that the event's
counters equal the counts (``convene check``) and that every registration queued its email.

``--ceiling`` runs ``shared/bench/ceiling.py`` (the same load as raw SQL, no web framework) on the
same database server right before each Convene run, and prints the two side by side with their
ratio; ``--repeat`` alternates them and ends with the medians. ``--rate-every N`` prints the rate of
each N registrations in the order they were answered (does the rate drop as the event fills?).
``--organisations N`` puts N organisations in the directory of a database it starts, and has each
registrant name one of them, in another case than stored, as people type (does the directory's
size cost every registration?); without it, registrants name none.

Before measuring, one registration per client goes to another event, so that every server process
has answered a registration: a process's first one builds FastAPI's route tables and loads the
country names, about half a second that is start-up, not throughput.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import httpx
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.core.db import Database  # noqa: E402
from app.core.migrate import upgrade  # noqa: E402
from app.core.security import Role, create_token  # noqa: E402
from app.directory.models import Organisation, OrganisationType  # noqa: E402
from app.notifications.models import OutboxEmail  # noqa: E402
from app.registration.capacity import differences  # noqa: E402
from benchmarks.live_server import PROJECT_ROOT, postgres_database, start_server  # noqa: E402

# Where the shared ceiling script lives: beside the main checkout, or beside the worktrees' folder.
CEILING_SCRIPTS = [PROJECT_ROOT.parent / "shared/bench/ceiling.py", PROJECT_ROOT.parents[1] / "shared/bench/ceiling.py"]
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def organisation_name(number: int) -> str:
    return f"Regional Development Agency {number:05d}"


def prepare(url: str, organisations: int) -> str:
    """Migrate the database, fill the directory with ``organisations``, and return a new organiser token."""
    database = Database(url)
    upgrade(database.engine)
    with database.transaction() as session:
        token = create_token(session, role=Role.organiser, name="registration benchmark")
        session.add_all(
            Organisation(name=organisation_name(n), type=OrganisationType.agency) for n in range(organisations)
        )
    database.dispose()
    return token


def create_event(base: str, token: str, capacity: int) -> int:
    response = httpx.post(
        f"{base}/api/v1/events",
        headers={"Authorization": f"Bearer {token}"},
        json={
            "slug": f"load-{uuid.uuid4().hex[:8]}",
            "title": "Registration load test",
            "timezone": "Europe/Brussels",
            "starts_at": "2030-06-20T09:00:00+02:00",
            "ends_at": "2030-06-20T17:00:00+02:00",
            "capacity": capacity,
        },
        timeout=60,
    )
    response.raise_for_status()
    return response.json()["id"]


def tree_cpu_seconds(root: int | None) -> float:
    """CPU time (user + system) of process ``root`` and all its descendants, from /proc."""
    if root is None:
        return 0.0
    parents, cpu = {}, {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry)], cpu[int(entry)] = int(fields[1]), int(fields[11]) + int(fields[12])
    tree, grew = {root}, True
    while grew:
        more = {pid for pid, parent in parents.items() if parent in tree} - tree
        tree |= more
        grew = bool(more)
    return sum(cpu.get(pid, 0) for pid in tree) / CLOCK_TICKS


@dataclass(frozen=True)
class Reply:
    status: int
    body: dict
    latency_ms: float
    done_at: float


async def load(
    base: str,
    event_id: int,
    requests: int,
    clients: int,
    on_every: tuple[int, Callable[[], None]] | None = None,
    organisations: int = 0,
) -> tuple[float, list[Reply]]:
    """``clients`` workers posting ``requests`` registrations in all; (wall seconds, replies in the order answered).

    aiohttp, not httpx: the client shares the two cores with the server, and httpx spent 5.7-7 ms
    of CPU per request, more than the server; aiohttp about 0.5 ms. Same requests, same sockets.
    """
    numbers = iter(range(requests))
    replies: list[Reply] = []
    run = uuid.uuid4().hex[:6]

    def registrant(number: int) -> dict:
        person = {
            "first_name": "Load",
            "last_name": f"Test {number}",
            "email": f"load{number}.{run}@example.org",
            "country": "BE",
            "consents": {"privacy": True, "publication": "nobody"},
        }
        if organisations:
            person["organisation"] = organisation_name(number * 7919 % organisations).upper()
        return person

    async def client(http: aiohttp.ClientSession) -> None:
        for number in numbers:
            started = time.perf_counter()
            async with http.post(f"/api/v1/events/{event_id}/registrations", json=registrant(number)) as response:
                body = await response.json(content_type=None)
            done = time.perf_counter()
            replies.append(Reply(response.status, body, (done - started) * 1000, done))
            if on_every and len(replies) % on_every[0] == 0:
                on_every[1]()

    connector = aiohttp.TCPConnector(limit=clients)
    async with aiohttp.ClientSession(base, connector=connector, timeout=aiohttp.ClientTimeout(total=300)) as http:
        started = time.perf_counter()
        await asyncio.gather(*(client(http) for _ in range(clients)))
        return time.perf_counter() - started, replies


def check(replies: list[Reply], capacity: int) -> tuple[bool, str]:
    codes = Counter(reply.status for reply in replies)
    bodies = [reply.body for reply in replies if reply.status == 201]
    statuses = Counter(body["status"] for body in bodies)
    positions = sorted(body["waitlist_position"] for body in bodies if body["status"] == "waitlisted")
    expected_waiting = len(replies) - capacity
    ok = (
        codes == {201: len(replies)}
        and statuses.get("confirmed", 0) == capacity
        and positions == list(range(1, expected_waiting + 1))
    )
    verdict = "OK, no overbooking" if ok else "FAILED"
    return (
        ok,
        f"{verdict}: HTTP {dict(codes)}, {dict(statuses)}, waitlist positions 1..{positions[-1] if positions else 0}",
    )


def outbox_rows(database: Database | None) -> int:
    if database is None:
        return 0
    with database.transaction(write=False) as session:
        return session.execute(select(func.count()).select_from(OutboxEmail)).scalar_one()


def check_database(database: Database, queued: int, requests: int) -> tuple[bool, str]:
    """What the replies cannot show: the counters equal the counts, and every registration queued its email."""
    with database.transaction(write=False) as session:
        found = differences(session)
    ok = not found and queued == requests
    counters = "counters = counts" if not found else f"counters differ: {[d.problem for d in found]}"
    return ok, f"{'OK' if ok else 'FAILED'}: {counters}, {queued} of {requests} outbox rows written"


@dataclass(frozen=True)
class Measured:
    rate: float
    p99: float
    cpu_ms: float  # server CPU per registration
    ok: bool


def measure(
    label: str, base: str, token: str, args: argparse.Namespace, server_pid: int | None, database: Database | None
) -> Measured:
    event_id = create_event(base, token, args.capacity)
    profiler = start_profile(args.py_spy, server_pid) if args.py_spy and server_pid else None
    outbox_before, cpu_before, client_before = outbox_rows(database), tree_cpu_seconds(server_pid), time.process_time()
    # Every --rate-every answers: the time, the server's CPU and the client's so far.
    marks = [(time.perf_counter(), cpu_before, client_before)]
    on_every = (
        args.rate_every,
        lambda: marks.append((time.perf_counter(), tree_cpu_seconds(server_pid), time.process_time())),
    )
    wall, replies = asyncio.run(
        load(base, event_id, args.requests, args.clients, on_every if args.rate_every else None, args.organisations)
    )
    if profiler is not None:
        stop_profile(profiler, args.py_spy)
        args.py_spy = None  # the first run only
    server_cpu, client_cpu = tree_cpu_seconds(server_pid) - cpu_before, time.process_time() - client_before
    ordered = sorted(reply.latency_ms for reply in replies)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    rate = len(replies) / wall
    cpu_ms = server_cpu / len(replies) * 1000
    print(f"{label}: {args.requests} registrations, {args.clients} clients, capacity {args.capacity}")
    print(
        f"  {rate:7.0f} registrations/s   p50 {statistics.median(ordered):6.1f} ms"
        f"   p99 {p99:6.1f} ms   max {ordered[-1]:6.1f} ms   ({wall:.1f} s)"
    )
    if server_pid is not None:
        print(f"  server CPU {cpu_ms:.2f} ms per registration, client CPU {client_cpu / len(replies) * 1000:.2f} ms")
    ok, verdict = check(replies, args.capacity)
    print(f"  {verdict}")
    if database is not None:
        stored_ok, stored = check_database(database, outbox_rows(database) - outbox_before, args.requests)
        ok = ok and stored_ok
        print(f"  {stored}")
    if args.rate_every:
        print_rates(marks, args.rate_every, server_pid is not None)
    return Measured(rate, p99, cpu_ms, ok)


def start_profile(path: str, server_pid: int) -> subprocess.Popen:
    """py-spy sampling the server's processes (workers included) while the load runs; only the thread
    holding the GIL, which is where a Python server's CPU goes (threads waiting are not work)."""
    command = ["py-spy"] if shutil.which("py-spy") else ["uvx", "py-spy"]
    profiler = subprocess.Popen(
        [
            *command,
            "record",
            "--subprocesses",
            "--gil",
            "--nonblocking",
            "--rate",
            "250",
            "--format",
            "raw",
            "--output",
            path,
            "--pid",
            str(server_pid),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    time.sleep(2)  # attaching takes a moment
    return profiler


def stop_profile(profiler: subprocess.Popen, path: str, top: int = 20) -> None:
    """Stop py-spy and print the functions with the most samples: in the function itself, and in it or what it calls."""
    profiler.send_signal(signal.SIGINT)
    profiler.wait(60)
    own, total, samples = Counter(), Counter(), 0
    # A record is "frame;frame;... count"; a frame of generated code (SQLAlchemy's) may hold newlines.
    for stack, count in re.findall(r"^(.*?) (\d+)$", Path(path).read_text(), flags=re.MULTILINE | re.DOTALL):
        frames = [re.sub(r":\d+\)$", ")", frame) for frame in stack.split(";")]
        frames = [frame for frame in frames if not frame.startswith("process ")]
        if not frames:
            continue
        samples += int(count)
        own[frames[-1]] += int(count)
        for frame in set(frames):
            total[frame] += int(count)
    print(f"  py-spy: {samples} samples of the server's running threads (raw stacks in {path})")
    ours = Counter({frame: count for frame, count in total.items() if "(app/" in frame})
    for title, counter in (("own time", own), ("including callees, Convene's functions", ours)):
        print(f"  top {top} by {title}:")
        for frame, count in counter.most_common(top):
            print(f"    {count / samples:6.1%}  {frame}")


def print_rates(marks: list[tuple[float, float, float]], every: int, with_cpu: bool) -> None:
    """Registrations/s and server CPU per registration of each ``every`` answered in turn: a locked
    section that grows with the event shows here. CPU is the steadier of the two on a shared machine,
    but moves with the machine's speed too; the client's CPU per request, the same work throughout,
    shows how much (server over client: a cost that grows with the event, whatever the machine did)."""
    slices = [
        (every / (t1 - t0), (c1 - c0) / every * 1000, (k1 - k0) / every * 1000)
        for (t0, c0, k0), (t1, c1, k1) in zip(marks, marks[1:], strict=False)
    ]
    for number, (rate, cpu_ms, client_ms) in enumerate(slices, start=1):
        print(
            f"    {number * every:7d}: {rate:6.0f}/s"
            + (f"   server CPU {cpu_ms:5.2f} ms per registration, client {client_ms:4.2f} ms" if with_cpu else "")
        )
    # The first slice includes the start (clients connecting); compare the second with the last.
    if len(slices) > 2:
        (rate_second, cpu_second, client_second), (rate_last, cpu_last, client_last) = slices[1], slices[-1]
        print(
            f"  last {every} / second {every}: rate {rate_last / rate_second:.2f}"
            + (
                f", server CPU per registration {cpu_last / cpu_second:.2f},"
                f" server over client CPU {(cpu_last / client_last) / (cpu_second / client_second):.2f}"
                if with_cpu
                else ""
            )
        )


def ceiling(args: argparse.Namespace, url: str) -> float:
    """One run of the shared raw-SQL ceiling on the same database server (or SQLite), same load."""
    candidates = [Path(args.ceiling_script)] if args.ceiling_script else CEILING_SCRIPTS
    script = next((path for path in candidates if path.exists()), None)
    if script is None:
        raise SystemExit(f"--ceiling: no ceiling.py in {', '.join(map(str, candidates))} (see --ceiling-script)")
    common = [
        "-n",
        str(args.requests),
        "-c",
        str(args.clients),
        "-k",
        str(args.capacity),
        "--fresh",
        "--repeat",
        "1",
        "--pause",
        "0",
        "--json-out",
        "",
    ]
    if url.startswith("sqlite"):
        # mutex: writers queue in the process, as Convene's do (the headline "immediate" measures SQLite's busy handler)
        backend = [
            "--backend",
            "sqlite",
            "--variant",
            "mutex",
            "--sqlite-path",
            str(Path(tempfile.gettempdir()) / f"ceiling-{uuid.uuid4().hex[:8]}.db"),
        ]
    else:
        parsed = make_url(url)
        dsn = f"host={parsed.host or '127.0.0.1'} port={parsed.port or 5432} dbname={parsed.database} user={parsed.username}"
        backend = ["--backend", "pg", "--dsn", dsn]
    result = subprocess.run([sys.executable, str(script), *backend, *common], capture_output=True, text=True)
    found = re.search(r"^ceiling_per_s=([\d.]+)", result.stdout, re.MULTILINE)
    if result.returncode or not found:
        raise SystemExit(f"the ceiling failed:\n{result.stdout}\n{result.stderr}")
    runs = [line for line in result.stdout.splitlines() if line.startswith("run 1: registrations_per_s")]
    print(f"ceiling (raw SQL, same load): {float(found.group(1)):7.0f} registrations/s   {runs[0][7:] if runs else ''}")
    return float(found.group(1))


def run(
    label: str,
    base: str,
    token: str,
    args: argparse.Namespace,
    *,
    server_pid: int | None = None,
    url: str | None = None,
    ceiling_url: str | None = None,
) -> bool:
    warm_up = create_event(base, token, args.clients)
    warm_ok, warm_verdict = check(asyncio.run(load(base, warm_up, args.clients, args.clients))[1], args.clients)
    if not warm_ok:
        raise SystemExit(f"warm-up {warm_verdict}")
    database = Database(url) if url else None
    results, ceilings = [], []
    try:
        for repeat in range(1, args.repeat + 1):
            print(f"-- run {repeat} of {args.repeat} (load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
            if ceiling_url:
                ceilings.append(ceiling(args, ceiling_url))
            results.append(measure(label, base, token, args, server_pid, database))
            if ceilings:
                print(f"  Convene / ceiling: {results[-1].rate / ceilings[-1]:.0%}")
    finally:
        if database is not None:
            database.dispose()
    if args.repeat > 1 or ceilings:
        rate = statistics.median(r.rate for r in results)
        line = (
            f"convene_per_s={rate:.0f} p99_ms={statistics.median(r.p99 for r in results):.0f}"
            f" server_cpu_ms={statistics.median(r.cpu_ms for r in results):.2f}"
        )
        if ceilings:
            line += f" ceiling_per_s={statistics.median(ceilings):.0f} ratio={rate / statistics.median(ceilings):.2f}"
        print(f"medians of {len(results)}: {line}")
    return all(r.ok for r in results)


def run_spawned(label: str, url: str, args: argparse.Namespace, ceiling_url: str | None) -> bool:
    token = prepare(url, args.organisations)
    process, base = start_server(url, workers=args.workers)
    try:
        return run(
            f"{label}, {args.workers} server worker(s)",
            base,
            token,
            args,
            server_pid=process.pid,
            url=url,
            ceiling_url=ceiling_url,
        )
    finally:
        process.terminate()
        process.wait(15)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--capacity", type=int, default=500)
    parser.add_argument("--workers", type=int, default=1, help="server worker processes")
    parser.add_argument(
        "--repeat", type=int, default=1, help="runs on the same server (a new event each), then the medians"
    )
    parser.add_argument(
        "--ceiling", action="store_true", help="run the raw-SQL ceiling before each run, print the ratio"
    )
    parser.add_argument(
        "--ceiling-script", metavar="PATH", help="where ceiling.py is (default: shared/bench/ next to the checkout)"
    )
    parser.add_argument(
        "--rate-every", type=int, default=0, metavar="N", help="print the rate of every N registrations"
    )
    parser.add_argument(
        "--py-spy", metavar="FILE", help="profile the server with py-spy during the first run (raw stacks to FILE)"
    )
    parser.add_argument(
        "--postgres", metavar="URL", help="run on a fresh database on this PostgreSQL server instead of SQLite"
    )
    parser.add_argument(
        "--organisations",
        type=int,
        default=0,
        metavar="N",
        help="a directory of N organisations, one named by each registrant",
    )
    parser.add_argument("--url", help="a running server to load instead (with --token)")
    parser.add_argument("--token", help="an organiser token of the running server")
    args = parser.parse_args()
    if args.url:
        if not args.token:
            parser.error("--url needs --token (convene token create --role organiser)")
        if args.ceiling or args.organisations:
            parser.error("--ceiling and --organisations need a server this script starts (they use its database)")
        ok = run(args.url, args.url, args.token, args)
    elif args.postgres:
        url, drop = postgres_database(args.postgres)
        ceiling_url, drop_ceiling = postgres_database(args.postgres) if args.ceiling else (None, None)
        try:
            ok = run_spawned("PostgreSQL", url, args, ceiling_url)
        finally:
            drop()
            if drop_ceiling:
                drop_ceiling()
    else:
        with tempfile.TemporaryDirectory() as folder:
            ok = run_spawned(
                "SQLite", f"sqlite:///{folder}/registration-benchmark.db", args, "sqlite" if args.ceiling else None
            )
    raise SystemExit(0 if ok else 1)


if __name__ == "__main__":
    main()
