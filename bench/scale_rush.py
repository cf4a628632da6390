"""The deadline-day rush of bench/bench_scale.py: acknowledgement POSTs from many
concurrent clients against gunicorn, beside bare views on the same gunicorn
(bench/bench_server.py, bench/bench_wsgi.py), with the chain-head lock waits sampled
and one acknowledgement's statements timed in process. bench/README.md says more."""

import asyncio
import contextlib
import datetime
import os
import random
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

import benchlib

say = benchlib.say

BREAKDOWN_ACKS = 30  # acknowledgements timed statement by statement in this process
WARM_UP_ACKS = 20


def rush_people(count: int) -> list[tuple[int, int, int]]:
    """(person, open assignment, version) for `count` people without a role, one
    assignment each, never acknowledged before (a person once each in the whole run)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT DISTINCT ON (a.person_id) a.person_id, a.id, a.version_id
            FROM acknowledgements_assignment a JOIN organization_person p ON p.id = a.person_id
            WHERE a.acknowledged_at IS NULL AND a.closed_at IS NULL AND p.is_active AND p.email LIKE %s
              AND NOT EXISTS (SELECT 1 FROM organization_rolegrant g WHERE g.person_id = p.id)
            ORDER BY a.person_id, a.id LIMIT %s
            """,
            ["%@load.example", count],
        )
        return cursor.fetchall()


def rush_sessions(people: list[tuple[int, int, int]]) -> dict[int, str]:
    """A logged-in database session for each person, made in one bulk insert (as
    django.contrib.auth.login would store it); person → session key."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    from organization.models import Person

    backend = settings.AUTHENTICATION_BACKENDS[0]
    expire = timezone.now() + datetime.timedelta(hours=2)
    store, keys, rows = SessionStore(), {}, []
    for person in Person.objects.filter(pk__in=[p for p, _a, _v in people]).only("pk", "password"):
        key = store._get_new_session_key()
        data = {
            SESSION_KEY: str(person.pk),
            BACKEND_SESSION_KEY: backend,
            HASH_SESSION_KEY: person.get_session_auth_hash(),
        }
        rows.append(Session(session_key=key, session_data=store.encode(data), expire_date=expire))
        keys[person.pk] = key
    Session.objects.bulk_create(rows, batch_size=2000)
    return keys


def answers_for(versions) -> dict[int, str]:
    """The form fields each version's questions need, answered right."""
    from directives.models import Question

    fields: dict[int, str] = {v: "" for v in versions}
    for question in Question.objects.filter(version_id__in=versions):
        fields[question.version_id] += f"&q{question.position}={question.answer}"
    return fields


class Rush:
    """Many concurrent HTTP clients in one asyncio loop (a thread costs more CPU than
    the requests it makes on 2 cores): each sends one request at a time over a new
    connection (gunicorn's sync workers close it after each answer)."""

    def __init__(self, port: int, requests: list[bytes], *, clients: int, seconds: float):
        self.port, self.requests, self.clients, self.seconds = port, requests, clients, seconds
        self.latencies: list[float] = []
        self.statuses: dict[str, int] = {}
        self.errors = 0

    async def _client(self, deadline: float, taken: list[int]) -> None:
        while time.perf_counter() < deadline and taken[0] < len(self.requests):
            request = self.requests[taken[0]]
            taken[0] += 1
            started = time.perf_counter()
            try:
                reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
                writer.write(request)
                await writer.drain()
                answer = await asyncio.wait_for(reader.read(), timeout=120)
                writer.close()
            except (TimeoutError, OSError):
                self.errors += 1
                continue
            self.latencies.append(time.perf_counter() - started)
            status = answer[9:12].decode(errors="replace") or "none"
            self.statuses[status] = self.statuses.get(status, 0) + 1

    async def _run(self) -> float:
        deadline = time.perf_counter() + self.seconds
        taken = [0]
        started = time.perf_counter()
        await asyncio.gather(*(self._client(deadline, taken) for _ in range(self.clients)))
        return time.perf_counter() - started

    def run(self) -> float:
        return asyncio.run(self._run())


def http_post(path: str, *, session: str, csrf: str, body: str, address: str) -> bytes:
    data = f"csrfmiddlewaretoken={csrf}{body}".encode()
    return (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nX-Real-IP: {address}\r\n"
        f"Cookie: sessionid={session}; csrftoken={csrf}\r\nContent-Type: application/x-www-form-urlencoded\r\n"
        f"Content-Length: {len(data)}\r\n\r\n"
    ).encode() + data


class LockSampler:
    """Samples pg_stat_activity every 20 ms on a connection of its own: how many of
    the portal's backends are running a statement, and how many of those wait on a
    lock (a row lock on the chain head shows as Lock/transactionid or Lock/tuple)."""

    def __init__(self, dbname: str) -> None:
        self.dbname, self.samples, self.active, self.waiting = dbname, 0, 0, 0
        self.waits: dict[str, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        from django.db import connections

        connection = connections.create_connection("default")
        try:
            with connection.cursor() as cursor:
                while not self._stop.wait(0.02):
                    cursor.execute(
                        "SELECT wait_event_type, wait_event FROM pg_stat_activity WHERE datname = %s "
                        "AND state = 'active' AND pid <> pg_backend_pid() AND backend_type = 'client backend'",
                        [self.dbname],
                    )
                    rows = cursor.fetchall()
                    self.samples += 1
                    self.active += len(rows)
                    for kind, event in rows:
                        if kind == "Lock":
                            self.waiting += 1
                            self.waits[event] = self.waits.get(event, 0) + 1
        finally:
            connection.close()

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def link_lag(*, since: datetime.datetime) -> dict:
    """Wait (at most a minute) until the linker has emptied its queue, then how long
    the records acknowledged since `since` waited for their place in the chain."""
    from acknowledgements.models import ChainLink, ChainPending

    started = time.perf_counter()
    while ChainPending.objects.exists() and time.perf_counter() - started < 60:
        time.sleep(0.05)
    lags = sorted(
        (link.linked_at - at).total_seconds()
        for link, at in (
            (link, link.acknowledgement.acknowledged_at)
            for link in ChainLink.objects.filter(acknowledgement__acknowledged_at__gte=since).select_related(
                "acknowledgement"
            )
        )
    )
    return {
        "left": ChainPending.objects.count(),
        "p50": benchlib.percentile(lags, 0.5) if lags else 0.0,
        "p95": benchlib.percentile(lags, 0.95) if lags else 0.0,
        "max": lags[-1] if lags else 0.0,
    }


def machine_busy_seconds() -> float:
    """CPU-seconds the whole machine has spent busy (all cores, every process: the
    load generator, gunicorn, the linker, PostgreSQL), from /proc/stat."""
    with open("/proc/stat") as stat:
        ticks = [int(n) for n in stat.readline().split()[1:]]
    return (sum(ticks) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK")


def cpu_seconds(pids: list[int]) -> float:
    total = 0.0
    for pid in pids:
        with contextlib.suppress(OSError, IndexError, ValueError):
            with open(f"/proc/{pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


ACK_STEPS = (
    ("claim the assignment (+ rollup trigger)", 'UPDATE "acknowledgements_assignment"'),
    # The claim as acknowledgements.services._claim writes it (not the ORM's quoting).
    ("claim the assignment (+ rollup trigger)", "UPDATE acknowledgements_assignment"),
    ("insert the record (+ queue trigger)", 'INSERT INTO "acknowledgements_acknowledgement"'),
    ("link it (linker lock, head, queue, link, head)", "pg_try_advisory"),
    ("link it (linker lock, head, queue, link, head)", "chainhead"),
    ("link it (linker lock, head, queue, link, head)", "chainpending"),
    ("link it (linker lock, head, queue, link, head)", "chainlink"),
)


def ack_breakdown(people: list[tuple[int, int, int]]) -> dict:
    """`acknowledgement_record` in this process for each (person, assignment), linking
    in the call (ACK_LINK_IN_REQUEST's default): the mean milliseconds of each kind of
    statement, of the COMMITs, of the whole call, and how long the linker holds its
    lock for a batch of one (from its try-lock to the end of its COMMIT)."""
    from django.db import connection

    from acknowledgements import services
    from acknowledgements.models import Assignment
    from organization.models import Person

    steps: dict[str, float] = {}
    held = total = 0.0
    for person_id, assignment_id, _version in people:
        person = Person.objects.get(pk=person_id)
        assignment = Assignment.objects.select_related("version", "campaign").get(pk=assignment_id)
        log = benchlib.StatementLog()
        marks: dict[str, float] = {}

        def wrapper(execute, sql, params, many, context, log=log, marks=marks):
            if "pg_try_advisory_xact_lock" in sql:
                marks.setdefault("locked", time.perf_counter())
            return log(execute, sql, params, many, context)

        started = time.perf_counter()
        with connection.execute_wrapper(wrapper), benchlib.timing_calls(connection, "commit") as commit:
            services.acknowledgement_record(
                assignment=assignment, by=person, request_meta={"REMOTE_ADDR": "10.0.0.1"}, answers=None
            )
        ended = time.perf_counter()
        total += ended - started
        held += ended - marks.get("locked", ended)
        for sql, seconds in log.statements:
            name = next((name for name, mark in ACK_STEPS if mark in sql), "other statements")
            steps[name] = steps.get(name, 0.0) + seconds
        steps["COMMIT"] = steps.get("COMMIT", 0.0) + commit["seconds"]
    n = len(people)
    return {
        "steps": {name: seconds * 1000 / n for name, seconds in steps.items()},
        "held_ms": held * 1000 / n,
        "total_ms": total * 1000 / n,
    }


def bench_rush(args, table: benchlib.ScaleTable, *, url: str) -> None:
    import load
    from django.core.management import call_command
    from django.db import connection, connections

    from acknowledgements.models import Acknowledgement

    call_command("collectstatic", interactive=False, verbosity=0)
    per_level = max(400, int(args.rush_seconds * 250))  # more than the ack rate can use up
    wanted = (per_level * len(args.clients) + WARM_UP_ACKS) * len(args.workers) + BREAKDOWN_ACKS
    people = rush_people(wanted)
    if len(people) < wanted:
        raise SystemExit(f"only {len(people)} people with an open assignment for the rush")
    breakdown_load = benchlib.load_now()
    breakdown = ack_breakdown(people[:BREAKDOWN_ACKS])
    people = people[BREAKDOWN_ACKS:]
    say(f"4) one acknowledgement in this process: {breakdown}")
    say(f"4) {len(people):,} sessions for the rush")
    sessions = rush_sessions(people)
    answers = answers_for({v for _p, _a, v in people})
    csrf = "".join(random.Random(args.seed).choices("abcdefghijklmnopqrstuvwxyz0123456789", k=32))
    dbname = connection.settings_dict["NAME"]
    connections.close_all()

    env = load.server_environment(args, sink_port=benchlib.free_port())
    env.update(
        DATABASE_URL=url,
        DJANGO_SETTINGS_MODULE="bench_settings",
        PYTHONPATH=f"{benchlib.ROOT}:{benchlib.ROOT / 'bench'}",
        REDIS_URL=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9"),
        ALLOWED_HOSTS="127.0.0.1",
        # The Procfile's layout: the web workers write their own rows, the linker links.
        ACK_LINK_IN_REQUEST="false",
    )
    queue = iter(people)
    for n_workers in args.workers:
        port = benchlib.free_port()
        logdir = Path(tempfile.mkdtemp(prefix="bench-scale-rush-"))
        command = [str(Path(sys.executable).parent / "gunicorn"), "bench_wsgi:application", "--bind"]
        command += [f"127.0.0.1:{port}", "--workers", str(n_workers), "--backlog", "2048"]
        server = load.start("gunicorn", command, env, logdir)
        linker = load.start("linker", [sys.executable, "manage.py", "link_acknowledgements"], env, logdir)
        try:
            load.wait_until("gunicorn", lambda port=port: load.answers(f"http://127.0.0.1:{port}/healthz"), server)
            # The linker's CPU is the acknowledgements' too.
            workers = load.gunicorn_workers(server.process.pid)
            linker_pid = linker.process.pid
            say(f"4) gunicorn ({n_workers} sync workers) at 127.0.0.1:{port}; log {server.log}")
            # A worker's first requests load templates and URLs: untimed ones first.
            warm = [next(queue) for _ in range(WARM_UP_ACKS)]
            Rush(port, [
                http_post(f"/acknowledgements/{a}/", session=sessions[p], csrf=csrf, body="&commitment=on" + answers[v],
                          address="10.0.0.2")
                for p, a, v in warm
            ] + [http_post("/bench/bare/", session=sessions[p], csrf=csrf, body="", address="10.0.0.2") for p, _a, _v in warm],
                clients=n_workers, seconds=30).run()  # fmt: skip
            for clients in args.clients:
                chosen = [next(queue) for _ in range(per_level)]
                address = lambda n: f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}"  # noqa: E731
                bare = [
                    http_post("/bench/bare/", session=sessions[p], csrf=csrf, body="&commitment=on", address=address(n))
                    for n, (p, _a, _v) in enumerate(chosen)
                ]
                acks = [
                    http_post(
                        f"/acknowledgements/{a}/",
                        session=sessions[p],
                        csrf=csrf,
                        body="&commitment=on" + answers[v],
                        address=address(n),
                    )  # fmt: skip
                    for n, (p, a, v) in enumerate(chosen)
                ]
                measured = {}
                # The bare views change nothing: their requests may be sent again.
                for name, requests in (("wsgi", None), ("bare", bare * 4), ("ack", acks)):
                    if name == "wsgi":
                        get = b"GET /bench/wsgi/ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
                        requests = [get] * (per_level * 4)
                    load_avg = benchlib.load_now()
                    rush = Rush(port, requests, clients=clients, seconds=args.rush_seconds)
                    cpu, linker_cpu, busy = cpu_seconds(workers), cpu_seconds([linker_pid]), machine_busy_seconds()
                    before = Acknowledgement.objects.count() if name == "ack" else 0
                    started = datetime.datetime.now(datetime.UTC)
                    connections.close_all()
                    with LockSampler(dbname) as locks:
                        seconds = rush.run()
                    lag = link_lag(since=started) if name == "ack" else None
                    cpu = cpu_seconds(workers) - cpu
                    linker_cpu = cpu_seconds([linker_pid]) - linker_cpu
                    busy = machine_busy_seconds() - busy
                    done = len(rush.latencies)
                    measured[name] = {
                        "rate": done / seconds, "rush": rush, "seconds": seconds, "locks": locks, "load": load_avg,
                        "cpu": cpu / max(done, 1), "linker_cpu": linker_cpu / max(done, 1),
                        "busy": busy / max(done, 1), "recorded": Acknowledgement.objects.count() - before, "lag": lag,
                    }  # fmt: skip
                    say(
                        f"   {n_workers} workers, {clients} clients, {name}: {done:,} in {seconds:.1f} s = {done / seconds:,.0f}/s, "
                        f"statuses {rush.statuses}, errors {rush.errors}, p50 "
                        f"{benchlib.percentile(rush.latencies, 0.5) * 1000:.0f} ms"
                    )
                bare_m, ack_m, wsgi_m = measured["bare"], measured["ack"], measured["wsgi"]
                share = ack_m["rate"] / bare_m["rate"]
                redirects = ack_m["rush"].statuses.get("302", 0)
                table.add(
                    f"acknowledgement POSTs, {clients} concurrent clients, {n_workers} sync workers (per second)",
                    f"{len(ack_m['rush'].latencies):,}",
                    f"{ack_m['rate']:,.1f}/s",
                    "–",
                    "bare Django view, same gunicorn",
                    f"{bare_m['rate']:,.1f}/s",
                    f"{share:.0%}",
                    f"≥ 50 %: {benchlib.verdict(share, 0.5, at_most=False)}",
                    f"{ack_m['load']} (bare: {bare_m['load']})",
                )
                locks = ack_m["locks"]
                lat = ack_m["rush"].latencies
                table.notes.append(
                    f"- rush, {clients} clients, {n_workers} gunicorn workers, {args.rush_seconds:g} s each: acknowledgements "
                    f"{ack_m['rate']:,.1f}/s ({redirects:,} answered 302 and {ack_m['recorded']:,} records written, "
                    f"other answers { ({k: v for k, v in ack_m['rush'].statuses.items() if k != '302'}) }, "
                    f"{ack_m['rush'].errors} connection errors; latency p50 {benchlib.percentile(lat, 0.5):.2f} s, "
                    f"p95 {benchlib.percentile(lat, 0.95):.2f} s), CPU each: gunicorn {ack_m['cpu'] * 1000:.1f} ms, "
                    f"linker {ack_m['linker_cpu'] * 1000:.1f} ms, the whole machine {ack_m['busy'] * 1000:.1f} ms; "
                    f"the bare Django view (session, CSRF, log-in, POST, no work) {bare_m['rate']:,.1f}/s at "
                    f"gunicorn {bare_m['cpu'] * 1000:.1f} ms, machine {bare_m['busy'] * 1000:.1f} ms each; a bare WSGI answer before Django "
                    f"{wsgi_m['rate']:,.0f}/s. Linking by the linker process: each record waited "
                    f"{ack_m['lag']['p50'] * 1000:.0f} ms (median), {ack_m['lag']['p95'] * 1000:.0f} ms (p95), "
                    f"{ack_m['lag']['max'] * 1000:.0f} ms at most for its place in the chain; "
                    f"{ack_m['lag']['left']} left waiting after the run. Lock waits during the acknowledgements: "
                    f"{locks.waiting} of {locks.active} active-backend samples "
                    f"({locks.waiting / max(locks.active, 1):.0%}; {locks.samples} samples every 20 ms"
                    + (f"; {', '.join(f'{k}: {v}' for k, v in sorted(locks.waits.items()))}" if locks.waits else "")
                    + ")."
                )
        finally:
            server.stop()
            linker.stop()
            shutil.rmtree(logdir, ignore_errors=True)

    steps = ", ".join(f"{name} {ms_:.1f}" for name, ms_ in breakdown["steps"].items())
    table.notes.append(
        f"- where an acknowledgement's time goes (`acknowledgement_record` called {BREAKDOWN_ACKS} times in "
        f"the benchmark's own process before the rush, load {breakdown_load}; mean milliseconds): {steps}; "
        f"{breakdown['total_ms']:.1f} ms in all. The acknowledgement's own transaction takes no lock on the "
        f"chain; linking a batch of one holds the linker's lock {breakdown['held_ms']:.1f} ms (try-lock to "
        "COMMIT), and in the rush the linker process links whatever committed meanwhile in one batch."
    )
    from django.contrib.sessions.models import Session

    Session.objects.filter(session_key__in=list(sessions.values())).delete()
