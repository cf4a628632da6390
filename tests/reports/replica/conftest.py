"""A real PostgreSQL streaming pair for the replica tests: a primary made by `initdb`
(wal_level=replica, a pg_hba line for replication) and a standby copied from it by
`pg_basebackup -R`, each on a free port under a temporary directory, started once
for the session with `pg_ctl` and stopped and removed at its end. The system cluster
(which allows no replication connections) is never touched.

For the tests of this folder Django's test database is created and migrated on the
pair's primary, and the `replica` alias points at the standby: as on a real
deployment it is a copy of the primary kept by PostgreSQL, so its TEST settings say
MIRROR (Django then never flushes it) but it is not redirected to the primary the
way pytest-django's usual set-up of a mirror would do. The connections are switched
to the pair for this folder's module only and put back after it, so the rest of the
suite keeps the system cluster.

Without the PostgreSQL server binaries the tests skip with the reason, except under
CI=true, where they fail."""

import copy
import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.db import connections

from tests.acknowledgements.smtp import free_port
from tests.conftest import IN_CI

TEST_DATABASE = "test_conduct_replica"


def _postgres_bin() -> Path | None:
    """The directory of the server binaries: POSTGRES_BIN, else the newest under
    /usr/lib/postgresql (Debian keeps them off PATH), else the one pg_ctl on PATH
    resolves to."""
    if os.environ.get("POSTGRES_BIN"):
        return Path(os.environ["POSTGRES_BIN"])
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(Path(p).parts[-3]))
    if candidates:
        return Path(candidates[-1]).parent
    found = shutil.which("pg_ctl")
    return Path(found).resolve().parent if found else None


def _missing() -> str | None:
    """Why the pair cannot be started here, or None."""
    if connections.settings["default"]["ENGINE"] != "django.db.backends.postgresql":
        return "needs PostgreSQL (DATABASE_URL does not point at it)"
    binaries = _postgres_bin()
    if binaries is None or not all((binaries / name).exists() for name in ("initdb", "pg_ctl", "pg_basebackup")):
        return "needs the PostgreSQL server binaries (initdb, pg_ctl, pg_basebackup; apt-get install postgresql)"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "runs as root, and there is no postgres user to run the clusters as"
    return None


@dataclass
class StreamingPair:
    primary_port: int
    standby_port: int
    directory: Path
    primary: dict  # Django settings of the two connections (NAME set once migrated)
    standby: dict


class _Clusters:
    def __init__(self, binaries: Path, directory: Path):
        self.binaries, self.directory, self.started = binaries, directory, []
        self.as_postgres = {}
        if os.geteuid() == 0:  # initdb refuses to run as root
            user = pwd.getpwnam("postgres")
            os.chown(directory, user.pw_uid, user.pw_gid)
            self.as_postgres = {"user": user.pw_uid, "group": user.pw_gid, "extra_groups": []}

    def run(self, program: str, *args: str) -> None:
        result = subprocess.run(
            [str(self.binaries / program), *args],
            cwd=self.directory, capture_output=True, text=True, timeout=60, **self.as_postgres,
        )  # fmt: skip
        if result.returncode:
            logs = "".join(f"\n--- {log.name}\n{log.read_text()[-2000:]}" for log in self.directory.glob("*.log"))
            raise RuntimeError(f"{program} failed ({result.returncode}): {result.stderr.strip()}{logs}")

    def write(self, path: Path, text: str, *, append: bool = False) -> None:
        with path.open("a" if append else "w") as out:
            out.write(text)

    def start(self, name: str) -> None:
        self.run("pg_ctl", "-D", str(self.directory / name), "-l", str(self.directory / f"{name}.log"), "-w",
                 "-t", "30", "start")  # fmt: skip
        self.started.append(name)

    def stop_all(self) -> None:
        for name in reversed(self.started):
            self.run("pg_ctl", "-D", str(self.directory / name), "-m", "immediate", "-w", "stop")
        self.started.clear()


@pytest.fixture(scope="session")
def streaming_pair():
    """Starts the primary and its standby (a few seconds); yields their settings."""
    reason = _missing()
    if reason:
        if IN_CI:
            pytest.fail(f"CI=true but this test {reason}")
        pytest.skip(reason)
    directory = Path(tempfile.mkdtemp(prefix="conduct-replica-"))
    clusters = _Clusters(_postgres_bin(), directory)
    primary, standby = directory / "primary", directory / "standby"
    primary_port = standby_port = free_port()
    while standby_port == primary_port:
        standby_port = free_port()
    try:
        clusters.run("initdb", "-D", str(primary), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                     "--locale=C.UTF-8", "--no-sync")  # fmt: skip
        clusters.write(
            primary / "postgresql.conf",
            f"port = {primary_port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{directory}'\n"
            "wal_level = replica\nmax_wal_senders = 4\nhot_standby_feedback = on\n"
            "fsync = off\nfull_page_writes = off\nshared_buffers = 32MB\n",
            append=True,
        )
        clusters.write(
            primary / "pg_hba.conf",
            "local all all trust\nhost all all 127.0.0.1/32 trust\nhost replication postgres 127.0.0.1/32 trust\n",
        )
        clusters.start("primary")
        clusters.run("pg_basebackup", "-h", "127.0.0.1", "-p", str(primary_port), "-U", "postgres",
                     "-D", str(standby), "-R", "-X", "stream", "-c", "fast", "--no-sync")  # fmt: skip
        clusters.write(standby / "postgresql.auto.conf", f"port = {standby_port}\n", append=True)
        clusters.start("standby")

        base = copy.deepcopy(connections.settings["default"])
        base.update(HOST="127.0.0.1", USER="postgres", PASSWORD="", CONN_MAX_AGE=0, CONN_HEALTH_CHECKS=False)
        primary_settings = {**base, "NAME": "conduct", "PORT": primary_port}
        primary_settings["TEST"] = {**base["TEST"], "NAME": TEST_DATABASE, "MIRROR": None}
        standby_settings = {**base, "NAME": TEST_DATABASE, "PORT": standby_port}
        standby_settings["TEST"] = {**base["TEST"], "NAME": TEST_DATABASE, "MIRROR": "default"}
        yield StreamingPair(primary_port, standby_port, directory, primary_settings, standby_settings)
    finally:
        try:
            clusters.stop_all()
        finally:
            shutil.rmtree(directory, ignore_errors=True)


@contextmanager
def _connections_to(pair: StreamingPair):
    """`default` on the pair's primary and `replica` on its standby, for the block;
    the connections and settings from before are put back after it."""
    handler = connections._connections
    before = {}
    for alias, settings_dict in (("default", pair.primary), ("replica", pair.standby)):
        before[alias] = (connections.settings.get(alias), getattr(handler, alias, None))
        connections.settings[alias] = settings_dict
        if hasattr(handler, alias):
            delattr(handler, alias)
    try:
        yield
    finally:
        for alias, (settings_dict, connection) in before.items():
            if hasattr(handler, alias):
                getattr(handler, alias).close()
                delattr(handler, alias)
            if settings_dict is None:
                del connections.settings[alias]
            else:
                connections.settings[alias] = settings_dict
            if connection is not None:
                setattr(handler, alias, connection)


@pytest.fixture(scope="session")
def django_db_setup(streaming_pair, django_test_environment, django_db_blocker):
    """Django's test database, created and migrated on the primary only; the standby
    receives it by streaming replication. Removed with the clusters."""
    with _connections_to(streaming_pair), django_db_blocker.unblock():
        connections["default"].creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
        wait_for_replay(timeout=30)


@pytest.fixture(scope="module", autouse=True)
def on_the_pair(django_db_setup, streaming_pair):
    with _connections_to(streaming_pair):
        yield streaming_pair


def wait_for_replay(*, timeout: float = 10) -> None:
    """Until the standby has replayed everything the primary has written so far."""
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()")
        (target,) = cursor.fetchone()
    deadline = time.monotonic() + timeout
    with connections["replica"].cursor() as cursor:
        while True:
            cursor.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [target])
            if cursor.fetchone()[0]:
                return
            if time.monotonic() > deadline:
                raise AssertionError(f"the standby had not replayed {target} after {timeout} s")
            time.sleep(0.05)


@contextmanager
def replay_paused():
    """The standby keeps receiving WAL but applies none of it inside the block."""
    with connections["replica"].cursor() as cursor:
        cursor.execute("SELECT pg_wal_replay_pause()")
        for _ in range(200):
            cursor.execute("SELECT pg_get_wal_replay_pause_state()")
            if cursor.fetchone()[0] == "paused":
                break
            time.sleep(0.05)
    try:
        yield
    finally:
        with connections["replica"].cursor() as cursor:
            cursor.execute("SELECT pg_wal_replay_resume()")
