"""The drills' real processes: a private PostgreSQL cluster, a private redis-server, gunicorn with the
production settings, a Celery worker and beat; and a small HTTP client for the load generators.

Nothing here touches the machine's own PostgreSQL or Redis: the cluster is `initdb`-ed into a
temporary directory on a free port and crashed with `pg_ctl stop -m immediate`; the redis-server is
core.testing.PrivateRedis. Every process runs in its own session so that its whole group (gunicorn's
and the worker's children) is killed with it; `Stack.close` and `Cluster.close` kill everything even
when a drill failed.
"""

import contextlib
import http.server
import io
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from core.testing import PrivateRedis, free_port

BASE_DIR = Path(__file__).resolve().parent.parent
PG_BIN = Path(os.environ.get("DRILL_PG_BIN", "/usr/lib/postgresql/15/bin"))
OWNER = "postgres"  # the cluster's superuser: owns the tables, migrates, backs up, tampers
RUNTIME = "pms_ops_app"  # what gunicorn, the worker and beat connect as (owns nothing)
TEMPLATE = "drill_template"  # migrated once; each drill gets a fresh copy of it
PEOPLE = {"pam": "PM", "paul": "PM", "alice": "Approver", "arthur": "Approver", "ivy": "Incident Commander"}
PEOPLE |= {"oscar": "Ops", "audrey": "Auditor"}


class DrillFailed(AssertionError):
    """A drill's check did not hold."""


def check(failures: list[str], condition: bool, message: str) -> None:
    if not condition:
        failures.append(message)


class Cluster:
    """A PostgreSQL cluster of the drill's own, owned by the OS user `postgres` when we are root
    (initdb refuses root): started, crashed (`stop -m immediate`) and started again on one port."""

    def __init__(self) -> None:
        # The run's marker in the path: the pytest wrapper finds a leftover server of its own run by it.
        marker = os.environ.get("PMS_DRILL_RUN", "manual")[:12]
        self.dir = Path(tempfile.mkdtemp(prefix=f"pms-drill-pg-{marker}-"))
        self.data = self.dir / "data"
        self.port = free_port()
        self.crashes = 0
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres")
        self._as_postgres([str(PG_BIN / "initdb"), "-D", str(self.data), "-U", OWNER, "--auth=trust", "-E", "UTF8"])

    def _as_postgres(self, args: list[str], check: bool = True) -> subprocess.CompletedProcess:
        if os.geteuid() == 0:
            args = ["runuser", "-u", "postgres", "--", *args]
        return subprocess.run(args, check=check, capture_output=True, text=True, timeout=120)

    def url(self, database: str, user: str = OWNER) -> str:
        return f"postgres://{user}@127.0.0.1:{self.port}/{database}"

    def start(self) -> None:
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.dir} -c max_connections=200 "
            "-c fsync=off -c full_page_writes=off"  # an immediate shutdown is not an OS crash: the page cache survives
        )
        self._as_postgres(
            [str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.dir / "log"), "-o", options, "-w", "start"]
        )

    def crash(self) -> None:
        """What a killed postmaster leaves: no checkpoint, every connection cut; the next start recovers from WAL."""
        self._as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop"])
        self.crashes += 1

    def psql(self, sql: str, database: str = "postgres") -> str:
        done = subprocess.run(
            [str(PG_BIN / "psql"), "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-d", self.url(database), "-c", sql],
            check=True,
            capture_output=True,
            text=True,
            timeout=60,
        )
        return done.stdout.strip()

    def close(self) -> None:
        self._as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop"], check=False)
        shutil.rmtree(self.dir, ignore_errors=True)


class Process:
    """One served process (gunicorn, worker or beat) in its own session, logging to a file."""

    def __init__(self, name: str, args: list[str], env: dict, logdir: Path) -> None:
        self.name, self.args, self.env = name, args, env
        self.log = logdir / f"{name}.log"
        self.popen: subprocess.Popen | None = None
        self.kills = 0
        self.exits = 0  # exits nobody asked for, restarted by the supervisor
        self.lock = threading.RLock()

    def start(self) -> None:
        with self.lock, open(self.log, "a") as log:
            self.popen = subprocess.Popen(
                self.args, env=self.env, cwd=BASE_DIR, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )

    def kill(self, sig: int = signal.SIGKILL) -> None:
        """Signal the whole group (the worker's pool children, gunicorn's workers), then reap."""
        with self.lock:
            self._kill(sig)

    def _kill(self, sig: int) -> None:
        if self.popen is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.popen.pid, sig)
        try:
            self.popen.wait(timeout=20)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.popen.pid, signal.SIGKILL)
            self.popen.wait(timeout=10)
        if sig == signal.SIGKILL:
            self.kills += 1
        self.popen = None

    def stop(self) -> None:
        self.kill(signal.SIGTERM)

    def restart(self) -> None:
        """SIGKILL and start again, atomically for the supervisor."""
        with self.lock:
            self._kill(signal.SIGKILL)
            self.start()

    def revive(self) -> bool:
        """What systemd's Restart=always does: start again a process that exited by itself."""
        with self.lock:
            if self.popen is None or self.popen.poll() is None:
                return False
            self.popen.wait()
            self.exits += 1
            self.popen = None
            self.start()
            return True

    def alive(self) -> bool:
        return self.popen is not None and self.popen.poll() is None


class Http:
    """JSON over urllib to the drill's gunicorn (127.0.0.1 only), with each person's API token."""

    def __init__(self, base: str, tokens: dict[str, str]) -> None:
        self.base, self.tokens = base, tokens

    def call(self, method: str, path: str, who: str, body: dict | None = None, timeout: float = 15, headers=None):
        """(status, json or None); status 0 when no answer came at all (connection refused or reset, timeout)."""
        data = json.dumps(body).encode() if body is not None else None
        head = {"Authorization": f"Token {self.tokens[who]}", "Accept": "application/json", **(headers or {})}
        if data is not None:
            head["Content-Type"] = "application/json"
        request = urllib.request.Request(self.base + path, data=data, headers=head, method=method)  # noqa: S310 (loopback)
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
                return response.status, _json(response.read())
        except urllib.error.HTTPError as error:
            return error.code, _json(error.read())
        except (OSError, http_client_errors()):
            return 0, None


def http_client_errors() -> type[Exception]:
    import http.client

    return http.client.HTTPException


def _json(raw: bytes):
    try:
        return json.loads(raw)
    except ValueError:
        return None


class Webhook(http.server.ThreadingHTTPServer):
    """The chat webhook (NOTIFY_WEBHOOK_URL) on 127.0.0.1: counts the notices per approval request.

    A receiver that drops repeats by `X-PMS-Delivery`, as a chat bridge would: a post retried after
    the worker died mid-send counts once, in `notices`, and is tallied in `redelivered`.
    """

    def __init__(self):
        self.notices: Counter = Counter()
        self.redelivered = 0
        self.seen: set[str] = set()
        super().__init__(("127.0.0.1", 0), _Handler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/notify"


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        text = json.loads(self.rfile.read(int(self.headers["Content-Length"]))).get("text", "")
        delivery = self.headers.get("X-PMS-Delivery") or text
        if delivery in self.server.seen:
            self.server.redelivered += 1
        else:
            self.server.seen.add(delivery)
            for pk in re.findall(r"#(\d+)", text.splitlines()[0] if text else ""):
                self.server.notices[int(pk)] += 1
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


class Stack:
    """The product served as in production on the drill's cluster and redis: gunicorn, worker, beat."""

    def __init__(
        self, cluster: Cluster, redis: PrivateRedis, database: str, workdir: Path, *, worker_pool: str = "prefork"
    ):
        self.cluster, self.redis, self.database, self.workdir = cluster, redis, database, workdir
        self.port = free_port()
        self.env = production_env(cluster, redis, database, workdir)
        python = sys.executable
        self.web = Process(
            "gunicorn",
            [
                python,
                "-m",
                "gunicorn",
                "pms_ops.wsgi",
                "--workers",
                "2",
                "--threads",
                "4",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--timeout",
                "60",
                "--graceful-timeout",
                "5",
            ],
            self.env,
            workdir,
        )
        self.worker = Process(
            "worker",
            [
                python,
                "-m",
                "celery",
                "-A",
                "pms_ops",
                "worker",
                "--loglevel",
                "INFO",
                "--concurrency",
                "2",
                "--pool",
                worker_pool,
                "--hostname",
                f"drill-{database}@%h",
                "--without-gossip",
                "--without-mingle",
            ],
            self.env,
            workdir,
        )
        self.beat = Process(
            "beat",
            [
                python,
                "-m",
                "celery",
                "-A",
                "pms_ops",
                "beat",
                "--loglevel",
                "INFO",
                "--schedule",
                str(workdir / "beat"),
            ],
            self.env,
            workdir,
        )
        self.http: Http | None = None
        self._closing = threading.Event()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, *, web: bool = True, worker: bool = True, beat: bool = True) -> None:
        if web:
            self.web.start()
            self.wait_http()
        if worker:
            self.worker.start()
        if beat:
            self.beat.start()
        threading.Thread(target=self.supervise, daemon=True).start()

    def wait_http(self, timeout: float = 40) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.web.alive():
                raise DrillFailed(f"gunicorn exited: see {self.web.log}")
            try:
                urllib.request.urlopen(self.base + "/health", timeout=2).close()  # noqa: S310 (loopback)
                return
            except OSError:
                time.sleep(0.2)
        raise DrillFailed(f"gunicorn did not answer within {timeout} s")

    def env_path(self, key: str) -> Path:
        return Path(self.env[key])

    def restart_worker(self) -> None:
        self.worker.restart()

    def supervise(self) -> None:
        """Restart the worker and beat when they exit by themselves, as a production supervisor would
        (the Celery worker exits when the broker goes away: docs/drills.md, "Findings")."""
        while not self._closing.wait(1.0):
            for process in (self.worker, self.beat):
                process.revive()

    def close(self) -> None:
        self._closing.set()
        for process in (self.beat, self.worker, self.web):
            process.kill()


def production_env(cluster: Cluster, redis: PrivateRedis, database: str, workdir: Path) -> dict:
    """`pms_ops.settings` (the production module) as `make run` relaxes it for plain HTTP on 127.0.0.1;
    served processes connect as the runtime role, backups as the owner."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CELERY_", "DATABASE_", "PG"))}
    env.update(
        PMS_DRILL_RUN=os.environ.get("PMS_DRILL_RUN", "manual"),  # finds leftovers (drills/tests)
        DJANGO_SETTINGS_MODULE="pms_ops.settings",
        DATABASE_URL=cluster.url(database, RUNTIME),
        DATABASE_OWNER_URL=cluster.url(database, OWNER),
        REDIS_URL=redis.url,
        SECRET_KEY="drill-" + "x" * 50,
        DEBUG="false",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="false",
        SESSION_COOKIE_SECURE="false",
        CSRF_COOKIE_SECURE="false",
        SECURE_HSTS_SECONDS="0",
        WHITENOISE_USE_FINDERS="true",
        EMAIL_URL="dummymail://",
        BACKUP_DIR=str(workdir / "backups"),
        BACKUP_PG_BIN_DIR=str(PG_BIN),
        AUDIT_DIGEST_FILE=str(workdir / "audit-digests.jsonl"),
        DIGEST_SIGNING_KEY_FILE=str(workdir / "digest_signing_key"),
        MAINTENANCE_FLAG_PATH=str(workdir / "maintenance.json"),
        # Dead runs are found in seconds, not minutes (documented settings, docs/backups.md).
        BACKUP_STALE_AFTER_SECONDS="8",
        BACKUP_HEARTBEAT_SECONDS="2",
        BACKUP_RESEND_AFTER_SECONDS="5",
        # The outbox (approval notices) likewise: a run lost with its killed worker is retried in seconds.
        OUTBOX_STALE_AFTER_SECONDS="10",
        OUTBOX_RESEND_AFTER_SECONDS="3",
        OUTBOX_RETRY_SECONDS="2",
        AXES_FAILURE_LIMIT="1000",
        LOG_LEVEL="WARNING",
    )
    return env


def django_env(cluster: Cluster, redis: PrivateRedis, workdir: Path) -> dict:
    """The drill process's own Django: the production module as the cluster's superuser (it inspects,
    counts and, in the tampering drill, rewrites what the served processes wrote)."""
    env = production_env(cluster, redis, TEMPLATE, workdir)
    env.update(DATABASE_URL=cluster.url(TEMPLATE), DATABASE_OWNER_URL=cluster.url(TEMPLATE))
    return env


def use_database(name: str) -> None:
    """Point the drill process's connection at another database of the cluster."""
    from django.conf import settings
    from django.db import connections

    connections["default"].close()
    settings.DATABASES["default"]["NAME"] = name


def prepare_template(cluster: Cluster) -> None:
    """Create the runtime role and migrate the template once (`manage.py migrate` runs as the owner and
    grants the runtime role, as in production)."""
    from django.core.management import call_command
    from django.db import connection

    from audit.grants import grant_runtime_role

    cluster.psql(f"CREATE ROLE {RUNTIME} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT NOREPLICATION")
    cluster.psql(f"CREATE DATABASE {TEMPLATE}")
    use_database(TEMPLATE)
    call_command("migrate", verbosity=0, interactive=False)
    grant_runtime_role(connection, RUNTIME)
    connection.close()


def fresh_database(cluster: Cluster, name: str) -> dict[str, str]:
    """A copy of the migrated template for one drill, with its people and their API tokens."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from rest_framework.authtoken.models import Token

    use_database("postgres")
    cluster.psql(f"DROP DATABASE IF EXISTS {name}")
    cluster.psql(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE}")
    use_database(name)
    tokens = {}
    for username, role in PEOPLE.items():
        # No password (an API token is all a drill uses): hashing one with production's hasher costs seconds.
        user = get_user_model().objects.create_user(username=username, email=f"{username}@example.com", is_staff=True)
        user.groups.add(Group.objects.get(name=role))
        tokens[username] = Token.objects.create(user=user).key
    return tokens


@contextlib.contextmanager
def stack_for(
    cluster: Cluster, redis: PrivateRedis, name: str, root: Path, extra: dict | None = None, **start
) -> Iterator[Stack]:
    """A fresh database and the processes serving it; every process is killed on the way out."""
    from django.conf import settings
    from django.core.management import call_command

    workdir = root / name
    workdir.mkdir(parents=True, exist_ok=True)
    tokens = fresh_database(cluster, name)
    webhook = Webhook()
    threading.Thread(target=webhook.serve_forever, daemon=True).start()
    env = production_env(cluster, redis, name, workdir)
    for key in ("BACKUP_DIR", "AUDIT_DIGEST_FILE", "DIGEST_SIGNING_KEY_FILE"):  # the drill reads what the stack writes
        setattr(settings, key, Path(env[key]) if key == "BACKUP_DIR" else env[key])
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        call_command("signing_key", generate=env["DIGEST_SIGNING_KEY_FILE"])
    stack = Stack(cluster, redis, name, workdir)
    stack.env.update(extra or {})  # the drill's own settings (its module's ENV)
    stack.env["NOTIFY_WEBHOOK_URL"] = stack.webhook_url = webhook.url
    stack.webhook = webhook
    try:
        stack.start(**start)
        stack.http = Http(stack.base, tokens)
        yield stack
    finally:
        stack.close()
        webhook.shutdown()
        webhook.server_close()
        from django.db import connection

        connection.close()


def seed_book(http: Http) -> None:
    """Seed 000's instruments, created through the API by Ops."""
    for symbol, name, point, margin in (
        ("GOLD_MINI", "Gold mini", "10", "105000"),
        ("BANK_NIFTY", "Bank Nifty", "15", "270000"),
    ):
        body = {"symbol": symbol, "name": name, "currency": "INR", "point_value": point, "margin_per_lot": margin}
        status, answer = http.call("POST", "/api/v1/pms/book/instruments", "oscar", body)
        if status != 201:
            raise DrillFailed(f"creating {symbol} answered {status}: {answer}")


def open_position(http: Http, size: int = 2) -> int:
    body = {"instrument": "GOLD_MINI", "direction": "LONG", "size": size, "entry_price": 71000, "stop_price": 70500}
    status, answer = http.call("POST", "/api/v1/pms/book/positions/open", "pam", body)
    if status != 201:
        raise DrillFailed(f"opening a position answered {status}: {answer}")
    return answer["id"]


def declare_incident(http: Http) -> int:
    body = {"title": "Drill", "severity": "P3", "detected_by": "ivy", "symptoms": "fault-injection drill"}
    status, answer = http.call("POST", "/api/v1/incidents/", "ivy", body)
    if status != 201:
        raise DrillFailed(f"declaring an incident answered {status}: {answer}")
    return answer["id"]


def populate(http: Http, rounds: int) -> dict:
    """Rows in every chain the API writes: journal entries, an incident's timeline, positions opened and
    closed, corrections requested and approved (decisions, ledger, audit events)."""
    seed_book(http)
    incident = declare_incident(http)
    written = {"journal": 0, "timeline": 0, "positions": 0, "corrections": 0}
    for n in range(rounds):
        body = {"entry_type": "note", "content": f"drill note {n}", "tags": ["drill"]}
        written["journal"] += http.call("POST", "/api/v1/pms/journal", "pam", body)[0] == 201
        body = {"kind": "note", "text": f"drill timeline {n}"}
        written["timeline"] += http.call("POST", f"/api/v1/incidents/{incident}/timeline", "ivy", body)[0] == 201
        position = open_position(http)
        written["positions"] += 1
        if n % 2:
            http.call(
                "POST", f"/api/v1/pms/book/positions/{position}/close", "pam", {"exit_price": 71100, "notes": "drill"}
            )
        else:
            written["corrections"] += request_and_approve_correction(http, position) is not None
    return written


def request_correction(http: Http, position: int, size: int = 3) -> int | None:
    correct = {"instrument": "GOLD_MINI", "direction": "LONG", "size": size, "entry_price": 71000, "stop_price": 70500}
    body = {"position_id": position, "reason": "drill: wrong size", "correct": correct}
    status, answer = http.call("POST", "/api/v1/pms/book/corrections", "pam", body)
    return answer["approval_id"] if status == 202 else None


def request_and_approve_correction(http: Http, position: int) -> dict | None:
    approval = request_correction(http, position)
    if approval is None:
        return None
    status, answer = http.call("POST", f"/api/v1/approvals/{approval}/approve", "alice", {"comment": "ok"})
    return answer if status == 200 else None


SWEEPERS = re.compile(r"sweep|outbox|resend|drain")


@contextlib.contextmanager
def sweeping(seconds: float) -> Iterator[None]:
    """Send the sweepers (the beat schedule's tasks named like SWEEPERS) every `seconds`, as beat does
    every minute, so that a drill sees them act without waiting a minute. Beat keeps running at its own
    pace; the other periodic tasks are left alone (every few seconds they would queue ahead of the
    sweepers on a two-process worker). A send while the broker is down is lost, as beat's would be."""
    from celery import current_app
    from django.conf import settings

    tasks = sorted(
        {
            entry["task"]
            for name, entry in settings.CELERY_BEAT_SCHEDULE.items()
            if SWEEPERS.search(f"{name} {entry['task']}")
        }
    )
    stop = threading.Event()

    def tick() -> None:
        while not stop.wait(seconds):
            for task in tasks:
                with contextlib.suppress(Exception):
                    current_app.send_task(task)

    ticking = threading.Thread(target=tick, daemon=True)
    ticking.start()
    try:
        yield
    finally:
        stop.set()
        ticking.join()


def wait_for(predicate, timeout: float, every: float = 0.2):
    """Poll `predicate` until it returns something truthy (returned) or `timeout` passes (None)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(every)
    return None


def jitter(low: float, high: float) -> float:
    return random.uniform(low, high)


class Bounded:
    """A load generator's budget: it stops at `until` (a monotonic time), after `limit` requests, or when told."""

    def __init__(self, seconds: float, limit: int) -> None:
        self.until = time.monotonic() + seconds
        self.left = limit
        self.stop = threading.Event()
        self._lock = threading.Lock()

    def take(self) -> bool:
        with self._lock:
            if self.stop.is_set() or self.left <= 0 or time.monotonic() > self.until:
                return False
            self.left -= 1
            return True
