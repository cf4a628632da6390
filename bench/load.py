#!/usr/bin/env python
"""Load test of the production set-up on this machine: simulated staff reading and
acknowledging a directive through gunicorn, with a Celery worker, Redis and PostgreSQL.

    make load                       # 50 users for 10 minutes
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/conduct_load \\
        .venv/bin/python bench/load.py --users 5 --minutes 1

The script (bench/README.md says more):
  1. creates and migrates the database (a dedicated one: conduct_load by default),
     collects the static files, makes the load organisation (generate_load_data), gives
     the people without a role one known password, and launches a campaign of a load
     directive that has none yet to the whole tree (acknowledgements.services);
  2. starts an SMTP sink (aiosmtpd), gunicorn (3 sync workers, as in the Procfile) on
     127.0.0.1 and a Celery worker, with DEBUG=false, SECURE_SSL_REDIRECT=false, Redis
     at db 9, and the client address read from X-Real-IP as behind a proxy;
  3. runs --users threads for --minutes, each one simulated person after another: log
     in (allauth's form), home, "văn bản cần xác nhận", read the directive, acknowledge
     it, the directive list and a search, the anonymous report page, log out;
  4. stops the servers, checks in the database that every acknowledgement answered
     with success has exactly one record (and the chain verifies), and prints the
     per-page latencies as a Markdown table, also written to bench/results/load-<date>.md.
Only 127.0.0.1 is contacted. Every loop is bounded in time and count.
"""

import argparse
import contextlib
import itertools
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import benchlib

say = benchlib.say

DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/conduct_load"
DEFAULT_REDIS = "redis://127.0.0.1:6379/9"
PASSWORD = "load-test-password-4711"  # set on the simulated people only, in the load database
SEARCHES = ["mạng xã hội", "bí mật nhà nước", "kỷ luật", "thong tin", "quy tắc ứng xử"]
LOAD_HEADER = ["page", "requests", "non-2xx/3xx", "median s", "p95 s", "max s"]
MAX_SESSIONS_PER_USER = 10_000  # a bound on the loop beside the deadline
REQUEST_TIMEOUT = 60  # seconds; gunicorn's own worker timeout is 30
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
RADIO = re.compile(r'<input type="radio" name="(q\d+)" value="(\d+)"')
PAGES = [
    "log-in form",
    "log-in POST",
    "home",
    "văn bản cần xác nhận",
    "read directive",
    "acknowledge POST",
    "read after acknowledging",
    "directive list",
    "directive search",
    "anonymous report page",
    "log-out POST",
]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=50, help="concurrent simulated users (threads)")
    parser.add_argument("--minutes", type=float, default=10, help="how long the users run")
    parser.add_argument("--people", type=int, default=4_000, help="size of the load organisation")
    parser.add_argument("--units", type=int, default=40)
    parser.add_argument("--directives", type=int, default=20, help="each run launches a campaign of a fresh one")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--think", type=float, default=1.0, help="mean pause between a user's requests, seconds")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn sync workers (Procfile: 3)")
    args = parser.parse_args()
    if not (1 <= args.users <= 500 and 0 < args.minutes <= 120):
        parser.error("--users must be 1-500 and --minutes at most 120")
    return args


# --- the environment and the data -------------------------------------------------------


def server_environment(args, *, sink_port: int) -> dict[str, str]:
    """What the portal reads in production, for this machine."""
    env = {
        "DJANGO_SETTINGS_MODULE": "conduct_portal.settings",
        "DEBUG": "false",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or "load-test-only-secret-key-" + "x" * 40,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "REDIS_URL": os.environ.get("LOAD_REDIS_URL", DEFAULT_REDIS),
        "CELERY_TASK_ALWAYS_EAGER": "false",
        # The production default, said out loud: the simulated people hold no role.
        "MFA_REQUIRED_ROLES": "administrator,inspector,unit_head",
        # Behind a proxy every user has an address of their own; here X-Real-IP carries it.
        "TRUSTED_CLIENT_IP_HEADER": "X-Real-IP",
        "LOG_LEVEL": "WARNING",
        "PRIVATE_STORAGE_ROOT": str(Path(tempfile.gettempdir()) / "conduct-load-private"),
        **benchlib.smtp_environment(sink_port),
    }
    return env


def prepare(args) -> dict:
    """Migrate, collect the static files, make the load data, set the password and
    launch a campaign of an unused load directive; returns what the users need."""
    import datetime

    from django.contrib.auth.hashers import check_password, make_password
    from django.core.management import call_command
    from django.db.models import Exists, OuterRef
    from django.utils import timezone

    from acknowledgements.models import Assignment, Campaign
    from acknowledgements.services import campaign_launch
    from conduct_portal.management.commands.generate_load_data import (
        load_administrator,
        load_directives,
        load_people,
        load_root,
        load_units,
    )
    from organization.models import RoleGrant

    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    sizes = (load_people().count(), load_units().count(), load_directives().count())
    if sizes != (args.people, args.units, args.directives):
        say(f"Load data {sizes} ≠ ({args.people}, {args.units}, {args.directives}): generating")
        benchlib.generate_load_data(args)  # --reset refuses once acknowledgements exist: drop the database

    # People who hold no role: MFA_REQUIRED_ROLES never applies to them.
    people = load_people().filter(is_active=True).exclude(Exists(RoleGrant.objects.filter(person=OuterRef("pk"))))
    sample = people.order_by("pk").first()
    if sample is None:
        raise SystemExit("No load person without a role")
    if not check_password(PASSWORD, sample.password):
        # One hash for all (the default hasher, as production logs in with it).
        updated = people.update(password=make_password(PASSWORD))
        say(f"Set the load password on {updated:,} people")

    directive = load_directives().exclude(Exists(Campaign.objects.filter(directive=OuterRef("pk")))).order_by("pk")
    directive = directive.first()
    if directive is None:
        raise SystemExit(
            f"Every load directive already has a campaign from an earlier run: drop the database "
            f"(dropdb {os.environ['DATABASE_URL'].rsplit('/', 1)[-1]}) or raise --directives"
        )
    due_on = timezone.localdate() + datetime.timedelta(days=14)
    campaign = campaign_launch(
        directive=directive, targets=[(load_root(), True)], due_on=due_on, by=load_administrator()
    )
    assignments = dict(
        Assignment.objects.filter(campaign=campaign, person__in=people).values_list("person__email", "pk")
    )
    say(f"Campaign {campaign.pk} of {directive.symbol}: {campaign.assignments.count():,} assignments")
    emails = sorted(assignments)
    random.Random(args.seed).shuffle(emails)
    return {"campaign": campaign.pk, "people": [(email, assignments[email]) for email in emails]}


# --- the servers ------------------------------------------------------------------------


@dataclass
class Server:
    name: str
    process: subprocess.Popen
    log: Path

    def stop(self) -> None:
        """SIGTERM to the whole process group (gunicorn's or Celery's workers too),
        then SIGKILL after 20 s."""
        if self.process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(20)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)


def start(name: str, command: list[str], env: dict[str, str], logdir: Path) -> Server:
    log = logdir / f"{name}.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            command,
            cwd=benchlib.ROOT,
            env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get("HOME", "/tmp"), **env},
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # its own process group, stopped as one
        )
    return Server(name, process, log)


def wait_until(what: str, ready, server: Server, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise SystemExit(f"{server.name} exited ({server.process.returncode}); see {server.log}")
        if ready():
            return
        time.sleep(0.5)
    raise SystemExit(f"{what} not ready after {seconds:.0f} s; see {server.log}")


def answers(url: str) -> bool:
    import requests

    try:
        return requests.get(url, timeout=2).status_code == 200
    except requests.RequestException:
        return False


def gunicorn_workers(master: int) -> list[int]:
    try:
        with open(f"/proc/{master}/task/{master}/children") as children:
            return [int(pid) for pid in children.read().split()]
    except OSError:
        return []


def rss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


# --- the users --------------------------------------------------------------------------


def send_secure_cookies(client) -> None:
    """Let the production cookies (Secure: session, CSRF, messages) go back over plain
    HTTP to 127.0.0.1, as browsers do for a local address. requests copies the session's
    jar into a fresh one with the default policy for every request, so the flag is
    cleared on the stored cookies instead; nothing but 127.0.0.1 is contacted."""
    for cookie in client.cookies:
        cookie.secure = False


@dataclass
class Results:
    lock: threading.Lock = field(default_factory=threading.Lock)
    timings: defaultdict = field(default_factory=lambda: defaultdict(list))
    statuses: Counter = field(default_factory=Counter)
    bad: Counter = field(default_factory=Counter)  # (page, status) not 2xx/3xx
    wrong: Counter = field(default_factory=Counter)  # a 2xx/3xx that is not the expected answer
    examples: list = field(default_factory=list)
    acknowledged: list = field(default_factory=list)  # (email, assignment) answered with success
    ack_failed: list = field(default_factory=list)
    sessions: int = 0
    revisits: int = 0

    def record(self, page: str, status, seconds: float) -> None:
        with self.lock:
            self.timings[page].append(seconds)
            self.statuses[status] += 1
            if not (isinstance(status, int) and 200 <= status < 400):
                self.bad[(page, status)] += 1

    def unexpected(self, page: str, what: str) -> None:
        with self.lock:
            self.wrong[(page, what)] += 1
            if len(self.examples) < 20:
                self.examples.append(f"{page}: {what}")


class User(threading.Thread):
    """One simulated user after another on a thread, until the deadline."""

    def __init__(self, number: int, *, base: str, people, results: Results, deadline: float, think: float, seed):
        super().__init__(name=f"user-{number}", daemon=True)
        self.base, self.people, self.results = base, people, results
        self.deadline, self.think = deadline, think
        self.rng = random.Random(seed * 1000 + number)

    def run(self) -> None:
        for _ in range(MAX_SESSIONS_PER_USER):
            if time.monotonic() >= self.deadline:
                return
            email, assignment, first_visit = self.people.next()
            try:
                self.session(email, assignment, first_visit)
            except _Stop:
                return
            except Exception as exc:  # a client-side failure is a result, not a crash
                self.results.unexpected("session", f"{type(exc).__name__}: {exc}")

    def pause(self) -> None:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise _Stop
        time.sleep(min(left, self.rng.uniform(0.5, 1.5) * self.think))

    def call(self, client, page: str, method: str, path: str, **kwargs):
        self.pause()
        import requests

        started = time.perf_counter()
        try:
            response = client.request(
                method, self.base + path, allow_redirects=False, timeout=REQUEST_TIMEOUT, **kwargs
            )
        except requests.RequestException as exc:
            self.results.record(page, f"{type(exc).__name__}", time.perf_counter() - started)
            raise _SessionFailed from exc
        self.results.record(page, response.status_code, time.perf_counter() - started)
        send_secure_cookies(client)
        if response.status_code >= 400:
            raise _SessionFailed
        return response

    def post_form(self, client, page: str, source, path: str, data: dict):
        """POST a form of the page `source` (a response), with its CSRF token and the
        page as the Referer, as a browser submits it."""
        token = CSRF_FIELD.search(source.text)
        self.expect(page, token is not None, "no CSRF token on the page before")
        data = {**data, "csrfmiddlewaretoken": token.group(1)}
        return self.call(client, page, "POST", path, data=data, headers={"Referer": source.url})

    def expect(self, page: str, condition: bool, what: str) -> None:
        if not condition:
            self.results.unexpected(page, what)
            raise _SessionFailed

    def session(self, email: str, assignment: int, first_visit: bool) -> None:
        import requests

        with self.results.lock:
            self.results.sessions += 1
            self.results.revisits += not first_visit
        client = requests.Session()
        number = self.people.number(email)
        client.headers.update(
            {
                "User-Agent": "conduct-load/1.0 (bench/load.py)",
                "X-Real-IP": f"10.{(number >> 16) & 255}.{(number >> 8) & 255}.{number & 255}",
                "Accept-Language": "vi",
            }
        )
        try:
            self.visit(client, email, assignment, first_visit)
        except _SessionFailed:
            pass
        finally:
            client.close()

    def visit(self, client, email: str, assignment: int, first_visit: bool) -> None:
        page = self.call(client, "log-in form", "GET", "/accounts/login/")
        login = self.post_form(client, "log-in POST", page, "/accounts/login/", {"login": email, "password": PASSWORD})
        self.expect("log-in POST", login.status_code == 302, f"{login.status_code} instead of a redirect")
        self.expect("log-in POST", "/accounts/" not in login.headers.get("Location", ""), login.headers["Location"])
        self.call(client, "home", "GET", "/")
        mine = self.call(client, "văn bản cần xác nhận", "GET", "/acknowledgements/")
        link = f"/acknowledgements/{assignment}/"
        self.expect("văn bản cần xác nhận", link in mine.text, "the assignment is not listed")
        read = self.call(client, "read directive", "GET", link)
        form = 'class="stacked acknowledge"' in read.text
        if first_visit:
            self.expect("read directive", form, "no acknowledgement form on a first visit")
            data = {"commitment": "on"}
            for name, value in RADIO.findall(read.text):
                data.setdefault(name, value)  # a question, if the directive has one
            try:
                posted = self.post_form(client, "acknowledge POST", read, link, data)
            except _SessionFailed:
                with self.results.lock:
                    self.results.ack_failed.append((email, assignment, "error answer"))
                raise
            if posted.status_code == 302 and posted.headers.get("Location", "").endswith(link):
                with self.results.lock:
                    self.results.acknowledged.append((email, assignment))
            else:
                with self.results.lock:
                    self.results.ack_failed.append((email, assignment, str(posted.status_code)))
                self.expect("acknowledge POST", False, f"{posted.status_code} instead of a redirect to the page")
            after = self.call(client, "read after acknowledging", "GET", link)
            self.expect("read after acknowledging", 'role="status"' in after.text, "no acknowledged notice")
        else:
            self.expect("read directive", not form, "a form on a page already acknowledged")
        self.call(client, "directive list", "GET", "/directives/")
        self.call(client, "directive search", "GET", "/directives/", params={"q": self.rng.choice(SEARCHES)})
        anonymous = self.call(client, "anonymous report page", "GET", "/violations/anonymous/")
        out = self.post_form(client, "log-out POST", anonymous, "/accounts/logout/", {})
        self.expect("log-out POST", out.status_code == 302, f"{out.status_code} instead of a redirect")


class _Stop(Exception):
    """The deadline passed."""


class _SessionFailed(Exception):
    """An error answer or an unexpected page: this simulated person stops here."""


class People:
    """The simulated people in a fixed order; once all had their turn they come back
    for a second visit (reading only: their assignment is acknowledged, or failed)."""

    def __init__(self, people: list[tuple[str, int]]) -> None:
        self._people = people
        self._numbers = {email: i + 1 for i, (email, _a) in enumerate(people)}
        self._turns = itertools.count()
        self._lock = threading.Lock()

    def next(self) -> tuple[str, int, bool]:
        with self._lock:
            turn = next(self._turns)
        email, assignment = self._people[turn % len(self._people)]
        return email, assignment, turn < len(self._people)

    def number(self, email: str) -> int:
        return self._numbers[email]


def run_users(args, *, base: str, people: list[tuple[str, int]]) -> tuple[Results, float]:
    results = Results()
    started = time.monotonic()
    deadline = started + args.minutes * 60
    queue = People(people)
    users = [
        User(n, base=base, people=queue, results=results, deadline=deadline, think=args.think, seed=args.seed)
        for n in range(args.users)
    ]
    # Users arrive over the first ten seconds, not all in the same millisecond.
    for user in users:
        user.start()
        time.sleep(min(10 / args.users, 0.5))
    next_line = started + 60
    while any(user.is_alive() for user in users) and time.monotonic() < deadline + REQUEST_TIMEOUT + 30:
        time.sleep(1)
        if time.monotonic() >= next_line:
            next_line += 60
            with results.lock:
                total = sum(len(v) for v in results.timings.values())
                bad = sum(results.bad.values())
            say(f"   … {total:,} requests, {bad} non-2xx/3xx, {len(results.acknowledged):,} acknowledged")
    still = [user.name for user in users if user.is_alive()]
    if still:
        say(f"   WARNING: {len(still)} users still waiting for an answer at the end")
    return results, time.monotonic() - started


# --- the checks and the report ----------------------------------------------------------


def check_database(campaign: int, results: Results) -> list[str]:
    """Every acknowledgement answered with success has exactly one record; no
    assignment of the campaign has two; the records are as many as the successes."""
    from django.db.models import Count

    from acknowledgements.models import Acknowledgement, Assignment
    from acknowledgements.services import acknowledgements_verify

    succeeded = {assignment for _email, assignment in results.acknowledged}
    records = Counter(
        dict(
            Acknowledgement.objects.filter(assignment__campaign=campaign)
            .values("assignment")
            .annotate(n=Count("pk"))
            .values_list("assignment", "n")
        )
    )
    missing = sorted(a for a in succeeded if records.get(a, 0) == 0)
    doubled = sorted(a for a, n in records.items() if n > 1)
    without_success = sorted(set(records) - succeeded)
    marked = Assignment.objects.filter(campaign=campaign, acknowledged_at__isnull=False).count()
    verification = acknowledgements_verify()
    lines = [
        f"- database check: {len(results.acknowledged):,} acknowledgement POSTs answered with success "
        f"({len(succeeded):,} assignments), {sum(records.values()):,} Acknowledgement records for the campaign, "
        f"{marked:,} assignments marked acknowledged; success without a record: {len(missing)}, "
        f"assignments with more than one record: {len(doubled)}, records without a success answer: "
        f"{len(without_success)}; the chain of {verification.count:,} records verifies: {verification.ok}"
        + ("" if verification.ok else f" ({len(verification.problems)} problems: {verification.problems[:3]})")
        + ".",
    ]
    if missing or doubled or without_success or not verification.ok:
        lines.append(f"- FAILED: missing {missing[:10]}, doubled {doubled[:10]}, unanswered {without_success[:10]}")
    return lines


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def latency_row(page: str, values: list[float], bad: int) -> list[str]:
    return [
        page,
        f"{len(values):,}",
        str(bad),
        f"{statistics.median(values):.3f}",
        f"{percentile(values, 0.95):.3f}",
        f"{max(values):.3f}",
    ]


def latency_table(results: Results) -> list[list[str]]:
    rows, everything = [], []
    for page in [*PAGES, *sorted(set(results.timings) - set(PAGES))]:
        values = results.timings.get(page)
        if values:
            everything += values
            rows.append(latency_row(page, values, sum(n for (p, _s), n in results.bad.items() if p == page)))
    if everything:
        rows.append(latency_row("**all**", everything, sum(results.bad.values())))
    return rows


def server_errors(log: Path, limit: int = 40) -> tuple[int, list[str]]:
    """Lines of a server log that tell of an error: Django's "Internal Server Error",
    tracebacks, gunicorn's worker timeouts and Celery's failures."""
    pattern = re.compile(r"Internal Server Error|Traceback|WORKER TIMEOUT|\[ERROR\]|ERROR/|Error:|Exception")
    count, lines = 0, []
    with contextlib.suppress(OSError), open(log, encoding="utf-8", errors="replace") as text:
        for line in text:
            if pattern.search(line):
                count += 1
                if len(lines) < limit:
                    lines.append(line.rstrip()[:300])
    return count, lines


def free_h() -> str:
    try:
        out = subprocess.run(["free", "-h"], capture_output=True, text=True, timeout=5).stdout
        return "; ".join(" ".join(line.split()) for line in out.splitlines()[1:])
    except (OSError, subprocess.SubprocessError):
        return "unknown"


# --- the run ----------------------------------------------------------------------------


def main() -> None:
    args = parse_args()
    os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE)
    url = benchlib.start_run(args)
    sink = benchlib.SmtpSink.start()  # forked before Django holds a connection
    servers: list[Server] = []
    logdir = Path(tempfile.mkdtemp(prefix="conduct-load-"))
    try:
        env = server_environment(args, sink_port=sink.port)
        env["DATABASE_URL"] = url
        os.environ.update(env)
        for name in ("EMAIL_HOST_USER", "EMAIL_HOST_PASSWORD", "CELERY_TASK_ALWAYS_EAGER"):
            os.environ.pop(name, None)
        sys.path.insert(0, str(benchlib.ROOT))
        if benchlib.ensure_postgres_database(url):
            say(f"Created the database of {url}")
        import redis

        redis.Redis.from_url(env["REDIS_URL"], socket_timeout=2).flushdb()  # the dedicated db only

        import django

        django.setup()
        from django.db import connections

        data = prepare(args)
        connections.close_all()

        port = benchlib.free_port()
        base = f"http://127.0.0.1:{port}"
        bin_dir = Path(sys.executable).parent
        gunicorn = [str(bin_dir / "gunicorn"), "conduct_portal.wsgi", "--bind", f"127.0.0.1:{port}"]
        gunicorn += ["--workers", str(args.workers)]
        celery = [str(bin_dir / "celery"), "-A", "conduct_portal", "worker", "--loglevel=info", "--concurrency=2"]
        servers.append(start("gunicorn", gunicorn, env, logdir))
        servers.append(start("celery", celery, env, logdir))
        wait_until("gunicorn", lambda: answers(base + "/healthz"), servers[0])
        wait_until("celery", lambda: "ready." in servers[1].log.read_text(errors="replace"), servers[1])
        say(f"gunicorn ({args.workers} sync workers) at {base}, Celery worker up; logs in {logdir}")

        peaks: dict[str, float] = {"rss": 0.0, "load": 0.0}
        sampling = threading.Event()

        def sample() -> None:
            while not sampling.wait(5):
                workers = gunicorn_workers(servers[0].process.pid)
                peaks["rss"] = max([peaks["rss"], *(rss_mb(pid) for pid in workers)])
                peaks["load"] = max(peaks["load"], os.getloadavg()[0])

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        say(f"{args.users} users for {args.minutes:g} minutes, think time {args.think:g} s on average")
        before = sink.received
        results, seconds = run_users(args, base=base, people=data["people"])
        sampling.set()
        time.sleep(3)  # let the worker finish what the last requests queued
    finally:
        for server in reversed(servers):
            server.stop()
        sink.stop()
    received = sink.received - before
    notes = report_notes(args, results, seconds, servers, peaks, received, data)
    total = sum(len(v) for v in results.timings.values())
    command = f"bench/load.py --users {args.users} --minutes {args.minutes:g} --people {args.people}"
    command += f" --think {args.think:g}" if args.think != 1.0 else ""
    command += f" --workers {args.workers}" if args.workers != 3 else ""
    benchlib.write_report(
        "load", args, title="Load test", command=command, table=latency_table(results), notes=notes, header=LOAD_HEADER
    )
    bad = sum(results.bad.values())
    if bad or results.wrong or any("FAILED" in note for note in notes):
        say(f"NOT CLEAN: {bad} non-2xx/3xx of {total:,}, {sum(results.wrong.values())} unexpected answers")
        sys.exit(1)


def report_notes(args, results: Results, seconds: float, servers, peaks, received: int, data) -> list[str]:
    total = sum(len(v) for v in results.timings.values())
    statuses = ", ".join(f"{status}: {n:,}" for status, n in sorted(results.statuses.items(), key=str))
    notes = [
        f"- {args.users} simulated users for {seconds / 60:.1f} minutes (pause between requests 0.5–1.5 × "
        f"{args.think:g} s): {results.sessions:,} sessions ({results.revisits:,} of them second visits, reading "
        f"only), {total:,} requests, {total / seconds:.1f} requests/s; answers by status: {statuses}.",
        f"- non-2xx/3xx answers: {sum(results.bad.values())}"
        + (
            f" ({', '.join(f'{p} {s}: {n}' for (p, s), n in sorted(results.bad.items(), key=str))})"
            if results.bad
            else ""
        )
        + f"; HTTP 500: {results.statuses.get(500, 0)}; unexpected 2xx/3xx answers (wrong page): "
        f"{sum(results.wrong.values())}" + (f" ({'; '.join(results.examples[:5])})" if results.examples else "") + ".",
        f"- acknowledgements: {len(results.acknowledged):,} POSTs answered with success (a redirect to the page), "
        f"{len(results.ack_failed)} not; campaign {data['campaign']}, {len(data['people']):,} simulated people "
        "(load people without a role).",
        *check_database(data["campaign"], results),
        f"- servers: gunicorn with {args.workers} sync workers (default timeout 30 s), peak RSS of a worker "
        f"{peaks['rss']:.0f} MB; a Celery worker (concurrency 2); Redis db "
        f"{os.environ['REDIS_URL'].rsplit('/', 1)[-1]}; {received:,} e-mails reached the SMTP sink during the run; "
        f"highest 1-minute load average sampled: {peaks['load']:.2f}.",
        f"- memory (free -h): {free_h()}.",
    ]
    for server in servers:
        count, lines = server_errors(server.log)
        notes.append(f"- {server.name} log: {count} error lines" + (":" if lines else "."))
        notes += [f"    - `{line}`" for line in lines]
    notes.append(
        "- each request's time is measured at the client (`requests`, no redirects followed: a redirect and the "
        "page it leads to are two requests); median, 95th percentile and maximum in seconds."
    )
    return notes


if __name__ == "__main__":
    main()
