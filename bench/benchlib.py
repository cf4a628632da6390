"""What the benchmarks share: the database they run on, measuring time and memory,
counting queries, a local SMTP sink, the machine description and the Markdown table.

Nothing here imports Django at module level, so a benchmark can start the SMTP sink
(a forked process) and set the environment before `django.setup()`.
"""

import argparse
import contextlib
import datetime
import gc
import math
import multiprocessing
import os
import platform
import resource
import socket
import subprocess
import sys
import time
import tracemalloc
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
MB = 1024 * 1024


# --- the database -----------------------------------------------------------------------


def ensure_postgres_database(url: str) -> bool:
    """Create the database named in a postgres:// URL if it does not exist yet;
    returns True when it was created."""
    import dj_database_url
    import psycopg2
    from psycopg2 import sql

    settings = dj_database_url.parse(url)
    connection = psycopg2.connect(
        dbname="postgres",
        user=settings.get("USER") or None,
        password=settings.get("PASSWORD") or None,
        host=settings.get("HOST") or None,
        port=settings.get("PORT") or None,
    )
    try:
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [settings["NAME"]])
            if cursor.fetchone():
                return False
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(settings["NAME"])))
            return True
    finally:
        connection.close()


def maintenance(*tables: str) -> None:
    """VACUUM ANALYZE the tables and CHECKPOINT, so that a measurement pays neither for
    the dead rows nor for the dirty pages an earlier step left behind."""
    from django.db import DatabaseError, connection

    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"VACUUM ANALYZE {connection.ops.quote_name(table)}")
        # Needs superuser or pg_checkpoint; without it the figures are only less repeatable.
        with contextlib.suppress(DatabaseError):
            cursor.execute("CHECKPOINT")


def start_run(args) -> str:
    """Note on `args` how busy the machine is and which code runs (load_at_start,
    revision: the code imported afterwards is the working tree's now, and the report
    says which), and return DATABASE_URL, which must name a PostgreSQL database."""
    args.load_at_start = os.getloadavg()
    args.revision = git_revision()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("Set DATABASE_URL=postgres://…: this benchmark runs on PostgreSQL only.")
    return url


def configure_in_process() -> None:
    """The settings of a benchmark that runs the portal in its own process, through the
    environment that settings.py reads: DEBUG off (with DEBUG Django keeps every query
    in connection.queries, memory the app never uses), no broker (Celery tasks run
    inline, in-memory cache) and LOG_LEVEL=WARNING (Celery logs every eager task at
    INFO)."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "conduct_portal.settings"
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-" + "x" * 40)
    os.environ.pop("REDIS_URL", None)
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "true"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    sys.path.insert(0, str(ROOT))


def load_data_parser(description: str | None):
    """An argument parser with the load data's size and seed, as generate_load_data takes them."""
    parser = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--units", type=int, default=1_000)
    parser.add_argument("--directives", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    return parser


def generate_load_data(args, *options: str) -> None:
    """Run generate_load_data at the size of --people, --units, --directives and --seed
    (with `options`, e.g. --assignments), with --reset when load data of another size
    is there (it refuses to delete acknowledgement records). In a child process: the
    generator's Python objects must not inflate the memory of the steps measured here;
    --skip-checks: a system check of an unrelated app must not stop the data."""
    from conduct_portal.management.commands.generate_load_data import load_data_exists

    command = [sys.executable, "manage.py", "generate_load_data", "--skip-checks", *options, "--seed", str(args.seed)]
    command += ["--people", str(args.people), "--units", str(args.units), "--directives", str(args.directives)]
    if load_data_exists():
        command.append("--reset")
    subprocess.run(command, cwd=ROOT, check=True)


def smtp_environment(port: int) -> dict[str, str]:
    """The settings.py environment that sends e-mail over plain SMTP to 127.0.0.1:port
    (the sink), without a login; EMAIL_HOST_USER and EMAIL_HOST_PASSWORD must be unset."""
    return {
        "EMAIL_BACKEND": "core.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(port),
        "EMAIL_USE_TLS": "false",
    }


# --- time and memory --------------------------------------------------------------------


def _proc_status(key: str) -> int | None:
    """A value of /proc/self/status in bytes (VmRSS, VmHWM), None off Linux."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith(key + ":"):
                    return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def _reset_peak_rss() -> bool:
    # Writing 5 to clear_refs resets VmHWM to the current RSS (Linux 4.0+), so the
    # peak read afterwards belongs to the measured step alone.
    try:
        with open("/proc/self/clear_refs", "w") as clear_refs:
            clear_refs.write("5")
        return True
    except OSError:
        return False


@dataclass
class Measured:
    result: Any
    started: float  # time.perf_counter() at the start
    seconds: float
    rss_peak_mb: float | None  # peak resident set size above the level at the start
    heap_peak_mb: float | None  # tracemalloc's peak of Python allocations, if traced
    rss_exact: bool  # False when only ru_maxrss was available (a lower bound)


def measure(step: Callable[[], Any], *, trace: bool) -> Measured:
    """Run `step` once: wall time, peak RSS above the start and, with `trace`, the
    peak of Python allocations (tracemalloc slows allocation-heavy code down)."""
    gc.collect()
    exact = _reset_peak_rss()
    rss_start = _proc_status("VmRSS")
    maxrss_start = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    if trace:
        tracemalloc.start()
    started = time.perf_counter()
    try:
        result = step()
        seconds = time.perf_counter() - started
        heap_peak = tracemalloc.get_traced_memory()[1] / MB if trace else None
    finally:
        if trace:
            tracemalloc.stop()
    hwm = _proc_status("VmHWM")
    if exact and hwm is not None and rss_start is not None:
        rss_peak = (hwm - rss_start) / MB
    else:
        rss_peak = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 - maxrss_start) / MB
    return Measured(result, started, seconds, rss_peak, heap_peak, exact)


class QueryStats:
    """A connection.execute_wrapper that counts statements and their time by kind
    ("INSERT core_outboxmessage", "SELECT", "UPDATE"…)."""

    def __init__(self) -> None:
        self.count: Counter[str] = Counter()
        self.seconds: defaultdict[str, float] = defaultdict(float)

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            kind = self.kind(sql)
            self.count[kind] += 1
            self.seconds[kind] += time.perf_counter() - started

    @staticmethod
    def kind(sql: str) -> str:
        words = sql.split(None, 3)
        verb = words[0].upper() if words else "?"
        if verb == "INSERT" and len(words) > 2:
            return f"INSERT {words[2].strip(chr(34))}"
        return verb

    @property
    def total(self) -> int:
        return sum(self.count.values())

    @property
    def total_seconds(self) -> float:
        return sum(self.seconds.values())


class StatementLog:
    """A connection.execute_wrapper that keeps every statement with its time, for
    telling which query of a step the time went to."""

    def __init__(self) -> None:
        self.statements: list[tuple[str, float]] = []

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.statements.append((sql, time.perf_counter() - started))

    def __len__(self) -> int:
        return len(self.statements)

    @property
    def seconds(self) -> float:
        return sum(seconds for _sql, seconds in self.statements)


@contextlib.contextmanager
def timing_calls(owner, name: str):
    """Time every call of `owner.name` (a function or method) while the block runs;
    yields a dict with "calls" and "seconds". For breaking a step down, not for
    changing what it does."""
    original = getattr(owner, name)
    totals = {"calls": 0, "seconds": 0.0}

    def timed(*args, **kwargs):
        started = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            totals["calls"] += 1
            totals["seconds"] += time.perf_counter() - started

    setattr(owner, name, timed)
    try:
        yield totals
    finally:
        setattr(owner, name, original)


# --- the SMTP sink ----------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class _Counting:
    """An aiosmtpd handler that accepts every message and only counts it."""

    def __init__(self, received) -> None:
        self.received = received

    async def handle_DATA(self, server, session, envelope):
        with self.received.get_lock():
            self.received.value += 1
        return "250 OK"


def _serve(port: int, received, ready, stop) -> None:
    from aiosmtpd.controller import Controller

    # A fixed server name: without one aiosmtpd looks up the FQDN on every connection.
    controller = Controller(_Counting(received), hostname="127.0.0.1", port=port, server_hostname="bench-sink")
    controller.start()
    ready.set()
    stop.wait()
    controller.stop()


@dataclass
class SmtpSink:
    """aiosmtpd in a process of its own, so that receiving does not compete with the
    sender for the GIL of the process being measured."""

    port: int
    _received: Any = field(repr=False)
    _stop: Any = field(repr=False)
    _process: Any = field(repr=False)

    @classmethod
    def start(cls) -> "SmtpSink":
        # Forked before Django is set up: the child holds no database connection.
        context = multiprocessing.get_context("fork")
        received, ready, stop = context.Value("q", 0), context.Event(), context.Event()
        port = free_port()
        process = context.Process(target=_serve, args=(port, received, ready, stop), daemon=True)
        process.start()
        if not ready.wait(30):
            process.terminate()
            raise RuntimeError("the SMTP sink did not start")
        return cls(port, received, stop, process)

    @property
    def received(self) -> int:
        return self._received.value

    def stop(self) -> None:
        self._stop.set()
        self._process.join(10)
        if self._process.is_alive():
            self._process.terminate()


# --- the machine and the report ---------------------------------------------------------


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _ram() -> str:
    try:
        with open("/proc/meminfo") as meminfo:
            for line in meminfo:
                if line.startswith("MemTotal:"):
                    return f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    return "unknown"


def git_revision() -> str:
    try:
        out = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True, timeout=5
        )
        revision = out.stdout.strip() or "unknown"
        # Tracked files changed since that commit (outside bench/): the code measured
        # was not exactly the commit's.
        status = subprocess.run(
            ["git", "--no-optional-locks", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            timeout=5,
        )
        changed = [line[3:] for line in status.stdout.splitlines() if line[3:] and not line[3:].startswith("bench/")]
        if changed:
            revision += f" with uncommitted changes to {', '.join(changed)}"
        return revision
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def machine(*, load_at_start: tuple[float, ...] | None = None, revision: str | None = None) -> dict[str, str]:
    """nproc, CPU, RAM, PostgreSQL, the software versions and how busy the machine
    was (the load average at the start of the run and now); call after django.setup().
    `revision`: git_revision() taken when the run started, if the code may have
    changed since."""
    import django
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        postgres = cursor.fetchone()[0].split(" on ")[0]
        settings = {}
        for name in ("shared_buffers", "work_mem", "synchronous_commit", "max_wal_size"):
            cursor.execute(f"SHOW {name}")
            settings[name] = cursor.fetchone()[0]
    host = connection.settings_dict.get("HOST") or "local socket"
    info = {
        "nproc": str(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()),
        "CPU": _cpu_model(),
        "RAM": _ram(),
        "OS": f"{platform.system()} {platform.release()}",
        "PostgreSQL": f"{postgres} at {host} ({', '.join(f'{k}={v}' for k, v in settings.items())})",
        "Python / Django": f"{platform.python_version()} / {django.get_version()}",
        "commit": revision or git_revision(),
    }
    # Other work on the machine shows here: the figures are only as quiet as it was.
    if load_at_start is not None:
        info["load average (1, 5, 15 min) at the start"] = ", ".join(f"{load:.2f}" for load in load_at_start)
    info["load average (1, 5, 15 min) at the end"] = ", ".join(f"{load:.2f}" for load in os.getloadavg())
    return info


def fmt_seconds(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:.3f}" if value < 10 else f"{value:.1f}"


def fmt_peak(m: Measured | None) -> str:
    """The RSS rise ("≥" when only ru_maxrss was readable), then tracemalloc's peak."""
    if m is None or m.rss_peak_mb is None:
        return "–"
    text = f"{m.rss_peak_mb:.1f}" if m.rss_exact else f"≥{m.rss_peak_mb:.1f}"
    return f"{text} (heap {m.heap_peak_mb:.1f})" if m.heap_peak_mb is not None else text


RESULT_HEADER = ["operation", "rows", "seconds", "peak MB", "raw SQL seconds", "ratio"]


def say(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def ratio_legend(*, tracemalloc: bool) -> str:
    """The note under a RESULT_HEADER table that says what its columns measure."""
    return (
        "- ratio = seconds / raw SQL seconds. Peak MB: how far the process's peak RSS rose above its level "
        "at the start of the step (VmHWM, reset through /proc/self/clear_refs)"
        + (
            "; “heap”: tracemalloc's peak of Python allocations (tracing was on and slows Python down)."
            if tracemalloc
            else "."
        )
    )


def render_report(
    *,
    title: str,
    command: str,
    table: list[list[str]],
    notes: list[str],
    machine: dict[str, str],
    header: list[str] = RESULT_HEADER,
    day: datetime.date | None = None,
) -> str:
    """A benchmark's Markdown report: the title and day, the command run, the table,
    the notes (list items, the legend among them) and the machine."""
    day = day or datetime.date.today()
    return "\n".join(
        [
            f"# {title}, {day.isoformat()}",
            "",
            f"`{command}`",
            "",
            markdown_table(header, table),
            "",
            *notes,
            "",
            "## Machine",
            "",
            *(f"- {name}: {value}" for name, value in machine.items()),
            "",
        ]
    )


def write_report(
    name: str,
    args,
    *,
    title: str,
    command: str,
    table: list[list[str]],
    notes: list[str],
    header: list[str] = RESULT_HEADER,
) -> Path:
    """The report of a run begun with start_run(args): print it and write it to
    bench/results/<name>-<date>.md. A RESULT_HEADER table gets ratio_legend() after
    the notes; the machine is described now, with the load and commit of the start."""
    if header == RESULT_HEADER:
        notes = [*notes, ratio_legend(tracemalloc=getattr(args, "tracemalloc", False))]
    text = render_report(
        title=title,
        command=command,
        table=table,
        notes=notes,
        header=header,
        machine=machine(load_at_start=args.load_at_start, revision=args.revision),
    )
    print()
    print(text)
    path = write_result(name, text)
    say(f"Written to {path.relative_to(ROOT)}")
    return path


def markdown_table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def write_result(name: str, text: str) -> Path:
    """bench/results/<name>-<date>.md; a later run the same day gets -2, -3…, so no
    run overwrites another's figures."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    stem = f"{name}-{datetime.date.today().isoformat()}"
    path = RESULTS / f"{stem}.md"
    number = 1
    while path.exists():
        number += 1
        path = RESULTS / f"{stem}-{number}.md"
    path.write_text(text, encoding="utf-8")
    return path


# --- the scale benchmark's arithmetic (bench/bench_scale.py) -----------------------------


def sizes(text: str) -> list[int]:
    """An argparse type: "5000,20000" → [5000, 20000], ascending, each positive."""
    values = sorted(int(part.replace("_", "")) for part in text.split(",") if part.strip())
    if not values or values[0] <= 0:
        raise ValueError(f"expected positive sizes separated by commas, not {text!r}")
    return values


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile (share 0.5: the median, 0.95: p95) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), math.ceil(share * len(ordered))))
    return ordered[rank - 1]


def growth_kb(small: tuple[int, float], large: tuple[int, float]) -> float:
    """KB more memory per item between two sizes: (items, MB) at each. Flat memory
    shows as a figure near 0 whatever the sizes."""
    (n_small, mb_small), (n_large, mb_large) = small, large
    if n_large == n_small:
        raise ValueError("two different sizes are needed")
    return (mb_large - mb_small) * 1024 / (n_large - n_small)


def verdict(value: float | None, goal: float, *, at_most: bool) -> str:
    """ "met" or "missed" for a ratio and its goal (at most `goal`, or at least)."""
    if value is None:
        return "–"
    return "met" if (value <= goal if at_most else value >= goal) else "missed"


def fmt_ratio(value: float | None) -> str:
    """A ratio with two decimals below 10 and none above."""
    if value is None:
        return "–"
    return f"{value:.2f}" if value < 10 else f"{value:.0f}"


def partition_verdict(ratio: float) -> str:
    """Partitioned / unpartitioned seconds, read with the ±10 % by which neighbouring
    runs differ on a shared machine."""
    if ratio < 0.9:
        return "pays off"
    return "costs more" if ratio > 1.1 else "no difference (±10 %)"


class ScaleTable:
    """bench_scale.py's report as it fills: rows of its nine columns, each with the
    load average when it was measured, and the notes."""

    def __init__(self) -> None:
        self.rows: list[list[str]] = []
        self.notes: list[str] = []

    def add(self, what, rows, seconds, peak, limit, limit_seconds, ratio, goal, load) -> None:
        self.rows.append([what, rows, seconds, peak, limit, limit_seconds, ratio, goal, load])


def load_now() -> str:
    """The load average (1, 5, 15 minutes) now, as the reports print it."""
    return " / ".join(f"{load:.2f}" for load in os.getloadavg())
