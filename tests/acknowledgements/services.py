"""Real services the fault tests start, stop and kill: a Redis server of their own
and a Celery worker in a separate process, pointed at the test database."""

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from celery.contrib.testing.worker import start_worker
from django.db import connection

from conduct_portal.celery import app as celery_app
from tests.acknowledgements.smtp import free_port

ROOT = Path(__file__).resolve().parents[2]


def wait_until(condition, timeout: float = 30, every: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:
        time.sleep(every)
    return bool(condition())


def _listening(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.2)
        return probe.connect_ex(("127.0.0.1", port)) == 0


class RedisServer:
    """`redis-server` on a free port, no persistence: stop() and start() again on the
    same port, as an outage and its end."""

    def __init__(self) -> None:
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        assert wait_until(lambda: _listening(self.port), timeout=10), "redis-server did not start"

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(10)
            self.process = None


def point_celery_at(url: str, *, eager: bool = False, backend: str | None = None) -> None:
    """Send this process's tasks to the broker at `url`. The app's pools are only
    dropped, not closed: kombu shares them per URL across the process (another
    test's broker keeps its own)."""
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    celery_app.conf.update(broker_url=url, result_backend=backend, task_always_eager=eager)


@contextmanager
def private_redis() -> Iterator[RedisServer]:
    server = RedisServer()
    server.start()
    conf = celery_app.conf
    before = (conf.broker_url, conf.result_backend, conf.task_always_eager)
    point_celery_at(server.url)
    try:
        yield server
    finally:
        point_celery_at(before[0], backend=before[1], eager=before[2])
        server.stop()


@contextmanager
def thread_worker() -> Iterator[None]:
    """A Celery worker in a thread of this process, on the broker set above."""
    with start_worker(celery_app, pool="solo", perform_ping_check=False, loglevel="WARNING", shutdown_timeout=10):
        yield


class WorkerProcess:
    """`celery worker --pool prefork -c 2` in its own process group, on the test
    database (pytest-django's `test_<name>`) and the given broker and SMTP port."""

    def __init__(self, *, broker: str, smtp_port: int, log: Path) -> None:
        db = connection.settings_dict
        self.env = {
            **os.environ,
            "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
            "REDIS_URL": broker,
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "EMAIL_BACKEND": "core.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(smtp_port),
            "EMAIL_TIMEOUT": "5",
            "DB_CONN_MAX_AGE": "0",
        }
        self.log = log
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        command = [str(Path(sys.executable).with_name("celery")), "-A", "conduct_portal", "worker"]
        command += ["--pool", "prefork", "-c", "2", "-l", "INFO", "--without-gossip", "--without-mingle"]
        command += ["--without-heartbeat", "-n", f"fault{time.monotonic_ns()}@%h"]
        start = self.log.stat().st_size if self.log.exists() else 0
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )
        assert wait_until(lambda: " ready." in self.log.read_text(errors="replace")[start:], timeout=40), (
            self.log.read_text(errors="replace")[-3000:]
        )

    def children(self) -> list[int]:
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in path.read_text().split()]

    def kill(self) -> None:
        """SIGKILL the whole worker, main process and pool children: a machine lost."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)
        # The children are reparented, not waited for: make sure they are gone.
        assert wait_until(lambda: not _group_alive(self.process.pid), timeout=10)

    def kill_children(self) -> list[int]:
        """SIGKILL the pool's children only, as the OOM killer does; the main process
        stays and forks new ones."""
        children = self.children()
        for pid in children:
            os.kill(pid, signal.SIGKILL)
        return children

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None and not _group_alive(self.process.pid):
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)
        except ProcessLookupError:
            pass
        wait_until(lambda: not _group_alive(self.process.pid), timeout=10)


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True
