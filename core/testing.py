"""Test helpers shared by several apps' tests (and the benchmarks): a redis-server and an SMTP server of
the test's own, the environment of a production process, and lock races on PostgreSQL."""

import base64
import contextlib
import email
import email.policy
import json
import logging
import os
import secrets
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from email.message import EmailMessage

import redis
from aiosmtpd.controller import Controller
from celery import current_app


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def production_env() -> dict:
    """The environment of a process started as production starts it (`pms_ops.settings`, DEBUG off, a
    random SECRET_KEY) on this process's PostgreSQL database and Redis: gunicorn, a worker, beat."""
    from django.conf import settings
    from django.db import connection

    db = connection.settings_dict
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CELERY_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="pms_ops.settings",
        DATABASE_URL=f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        REDIS_URL=settings.REDIS_URL,
        SECRET_KEY=secrets.token_urlsafe(50),
        DEBUG="false",
        ALLOWED_HOSTS="127.0.0.1",
    )
    return env


class PrivateRedis:
    """A redis-server of the test's own on a free port: stopping it never touches the shared one."""

    def __init__(self):
        self.port = free_port()
        self.process = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        binary = shutil.which("redis-server")
        assert binary, "redis-server is not installed"
        self.process = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.05)
        raise AssertionError("the private redis-server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


def publish_to(url: str) -> None:
    """Point this process's Celery publishing at another broker (its connection pools are rebuilt)."""
    current_app.conf.broker_url = url
    current_app._pool = None
    current_app.amqp._producer_pool = None


def queued_tasks(url: str) -> list[tuple[str, list]]:
    """The task messages waiting in a Redis broker's default queue: (task name, args)."""
    messages = [json.loads(raw) for raw in redis.Redis.from_url(url).lrange("celery", 0, -1)]
    return [(m["headers"]["task"], json.loads(base64.b64decode(m["body"]))[0]) for m in messages]


class _Inbox:
    def __init__(self):
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server, session, envelope) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        message["X-RcptTo"] = ", ".join(envelope.rcpt_tos)
        self.messages.append(message)
        return "250 OK"


class PrivateSmtp:
    """A real SMTP server (aiosmtpd) on a free port; `messages` holds what it received, parsed.

    The envelope's recipients are in each message's `X-RcptTo`; the server reads as a list of
    its messages (`smtp[-1]`, `len(smtp)`).
    """

    def __init__(self):
        self.port = free_port()
        self.inbox = _Inbox()
        self.controller = None

    @property
    def messages(self) -> list[EmailMessage]:
        return self.inbox.messages

    def __iter__(self) -> Iterator[EmailMessage]:
        return iter(self.messages)

    def __getitem__(self, index: int) -> EmailMessage:
        return self.messages[index]

    def __len__(self) -> int:
        return len(self.messages)

    def start(self) -> None:
        # aiosmtpd logs every connection at INFO from its own thread, after pytest has closed the stream.
        logging.getLogger("mail.log").setLevel(logging.WARNING)
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@contextlib.contextmanager
def locked_elsewhere(name: str) -> Iterator[None]:
    """Hold core.locks' lock `name` from another thread (another worker's run) while the body runs."""
    from django.db import connections

    from core import locks

    holding, release = threading.Event(), threading.Event()

    def other_run() -> None:
        try:
            with locks.try_lock(name) as mine:
                assert mine, f"{name} was already held"
                holding.set()
                release.wait(60)
        finally:
            connections.close_all()

    thread = threading.Thread(target=other_run)
    thread.start()
    assert holding.wait(30), f"could not take {name}"
    try:
        yield
    finally:
        release.set()
        thread.join(30)


def held_chain(model, name: str) -> threading.Event:
    """Hold a hash chain's lock in a transaction of another thread until the returned event is set."""
    from django.db import connections, transaction

    from audit import chain

    taken, release = threading.Event(), threading.Event()

    def hold() -> None:
        try:
            with transaction.atomic():
                chain.lock_chain(model, name)
                taken.set()
                release.wait(60)
        finally:
            connections.close_all()

    threading.Thread(target=hold, daemon=True).start()
    assert taken.wait(30), f"could not take the chain {name}"
    return release


def _waiting_for_locks() -> int:
    """Backends of this database waiting for a lock (a row's, a transaction's or an advisory one)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0]


def until_waiting(count: int) -> None:
    """Until `count` backends of this database wait for a lock (PostgreSQL)."""
    for _ in range(600):  # a bound, not a timing: a writer queues within milliseconds
        if _waiting_for_locks() >= count:
            return
        time.sleep(0.05)
    raise AssertionError(f"{count} writers never queued for their locks")


def race_behind(release: threading.Event, first, second) -> dict:
    """PostgreSQL: run `first` until it waits behind a held lock, then `second` until it waits too, then
    let the lock go; {"first": result or exception, "second": …}. Puts two writers in a chosen order,
    so a test meets the interleaving that deadlocks (the exception is PostgreSQL's "deadlock detected")."""
    from django.db import connections

    outcome: dict = {}

    def run(key: str, call) -> None:
        try:
            outcome[key] = call()
        except Exception as exc:  # the deadlock, or another refusal, is the test's to judge
            outcome[key] = exc
        finally:
            connections.close_all()

    threads = []
    for count, (key, call) in enumerate((("first", first), ("second", second)), start=1):
        threads.append(threading.Thread(target=run, args=(key, call)))
        threads[-1].start()
        until_waiting(count)
    release.set()
    for thread in threads:
        thread.join(60)
    return outcome
