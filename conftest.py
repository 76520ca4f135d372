"""Shared fixtures: named people per role, API clients per role, the append-only flush."""

import contextlib
import os
import subprocess
import sys
import time
import uuid
from unittest import mock

import pytest
from axes.utils import reset as axes_reset
from django.contrib.auth.models import Group
from django.db import connection
from hypothesis import settings as hypothesis_settings
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from book import services as book_services
from core import roles
from incidents import seed as incidents_seed
from ops import seed as ops_seed

PEOPLE = {
    # username: role (None: no role at all)
    "pam": roles.PM,
    "paul": roles.PM,
    "alice": roles.APPROVER,
    "arthur": roles.APPROVER,
    "ivy": roles.INCIDENT_COMMANDER,
    "oscar": roles.OPS,
    "audrey": roles.AUDITOR,
    "feed": roles.PRICE_FEED,  # a price feed's service account, not a person
    "nobody": None,
}


# Property-based tests: `ci` keeps `make test` quick; HYPOTHESIS_PROFILE=long runs them for real.
# No example database (`database=None`): nothing is written into the repository.
hypothesis_settings.register_profile("ci", max_examples=24, stateful_step_count=15, deadline=None, database=None)
hypothesis_settings.register_profile("long", max_examples=400, stateful_step_count=50, deadline=None, database=None)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


# The loaders of the rows data migrations load (severities, escalation path, runbooks, alert
# rules; the role groups come back by post_migrate). A transactional test's flush empties them,
# so the harness loads them again after each flush, with the migrations' own loaders.
SEED_LOADERS = (incidents_seed.load, ops_seed.load)


def _reseed() -> None:
    from django.apps import apps

    for load in SEED_LOADERS:
        load(apps)


# --- Database roles: the test database is the owner's; the tests connect as the runtime role ---

# Used when DATABASE_URL and DATABASE_OWNER_URL name one role (e.g. both the superuser), so that
# every PostgreSQL run exercises least privilege. Cluster-wide, shared by every test database.
RUNTIME_ROLE = "pms_ops_app"
_CREDENTIALS: dict[str, dict] = {}


def _use(credentials: dict) -> None:
    """Point the default database at other credentials, for every thread's next connection."""
    from django.conf import settings
    from django.db import connections

    connections["default"].close()
    settings.DATABASES["default"].update(credentials)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings):
    """PostgreSQL: create and migrate the test database as the owner (DATABASE_OWNER_URL)."""
    from django.conf import settings

    from core.dbroles import CREDENTIALS

    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.postgresql":
        runtime = {key: database[key] for key in CREDENTIALS}
        if runtime["USER"] == settings.DATABASE_OWNER["USER"]:
            runtime.update(USER=RUNTIME_ROLE, PASSWORD="")
        _CREDENTIALS.update(runtime=runtime, owner=dict(settings.DATABASE_OWNER))
        _use(_CREDENTIALS["owner"])


def _ensure_role(name: str) -> None:
    """Create the runtime role if it is missing: LOGIN and nothing else (idempotent, race-safe)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(
                "DO $$ BEGIN "
                f"CREATE ROLE {connection.ops.quote_name(name)} "
                "LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT NOREPLICATION; "
                "EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$"
            )


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """...then grant the runtime role its rights and connect every test as that role, which owns nothing."""
    from django.db import connection

    from audit.grants import grant_runtime_role

    if not _CREDENTIALS:
        yield
        return
    with django_db_blocker.unblock():
        _ensure_role(_CREDENTIALS["runtime"]["USER"])
        grant_runtime_role(connection, _CREDENTIALS["runtime"]["USER"])
        _use(_CREDENTIALS["runtime"])
    yield
    _use(_CREDENTIALS["owner"])  # the test database is dropped by its owner


@pytest.fixture(autouse=True, scope="session")
def _append_only_flush():
    """Let the test runner's flush empty append-only tables (the app itself never can), then reseed.

    The flush runs as the owner (it must be a superuser on PostgreSQL: see `purge_allowed`).
    """
    from django.test import TransactionTestCase

    from audit.triggers import purge_allowed
    from core.dbroles import connected_as_owner

    original = TransactionTestCase._fixture_teardown
    original_reset = TransactionTestCase._reset_sequences

    def teardown(self):
        with contextlib.ExitStack() as stack:
            for alias in self._databases_names(include_mirrors=False):
                stack.enter_context(purge_allowed(stack.enter_context(connected_as_owner(alias))))
            original(self)
        _reseed()

    def reset_sequences(db_name):
        """`reset_sequences=True` moves sequences (setval), which only their owner may do."""
        with connected_as_owner(db_name):
            original_reset(db_name)

    TransactionTestCase._fixture_teardown = teardown
    TransactionTestCase._reset_sequences = staticmethod(reset_sequences)
    yield
    TransactionTestCase._fixture_teardown = original
    TransactionTestCase._reset_sequences = staticmethod(original_reset)


class Superuser:
    """What a superuser can do past the triggers (`session_replication_role = replica`), on its own
    connection as the owner (a superuser in the test set-up): `superuser_sql(sql, params)`, or
    `with superuser_sql.cursor() as cursor:` for several statements in one session."""

    @contextlib.contextmanager
    def cursor(self):
        from core.dbroles import owner_connection

        with owner_connection() as owner, owner.cursor() as cursor:
            cursor.execute("SET session_replication_role = replica")
            yield cursor

    def __call__(self, sql: str, params=()) -> None:
        with self.cursor() as cursor:
            cursor.execute(sql, params)


@pytest.fixture
def superuser_sql(transactional_db):
    """A Superuser on PostgreSQL. Its connection sees committed rows only, so the test is transactional."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.fail("superuser_sql needs PostgreSQL: mark the test `postgres`.")
    return Superuser()


def make_user(username: str, role: str | None = None, **extra):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user(
        username=username, password=f"{username}-pass", email=f"{username}@example.com", is_staff=True, **extra
    )
    if role:
        user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def people(db):
    """One named person per role: pam and paul (PM), alice and arthur (Approver), ivy (IC),
    oscar (Ops), audrey (Auditor), feed (the Price feed service account), nobody (no role)."""
    return {name: make_user(name, role) for name, role in PEOPLE.items()}


def client_for(user) -> APIClient:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def api(people):
    """api["pam"] is an authenticated REST client for pam; api[None] is anonymous."""

    class Clients(dict):
        def __missing__(self, name):
            client = APIClient() if name is None else client_for(people[name])
            self[name] = client
            return client

    return Clients()


@pytest.fixture
def database_down():
    """`with database_down():` every query fails as when the database server is gone (the driver's
    OperationalError), on PostgreSQL and SQLite alike; the test's own transaction survives it."""

    @contextlib.contextmanager
    def down():
        def refuse(*args, **kwargs):
            raise connection.Database.OperationalError("connection refused (simulated database outage)")

        with (
            mock.patch.object(connection, "create_cursor", refuse),
            mock.patch.object(connection, "get_new_connection", refuse),
        ):
            yield

    return down


# --- The book: seed 000's instruments, positions opened through the service ------------------


@pytest.fixture
def gold(people):
    return book_services.instrument_create(
        actor=people["oscar"],
        symbol="GOLD_MINI",
        name="Gold mini",
        currency="INR",
        point_value="10",
        margin_per_lot="105000",
    )


@pytest.fixture
def nifty(people):
    return book_services.instrument_create(
        actor=people["oscar"],
        symbol="BANK_NIFTY",
        name="Bank Nifty",
        currency="INR",
        point_value="15",
        margin_per_lot="270000",
    )


@pytest.fixture
def open_position(people, gold, nifty):
    """open_position(size=..., ...) opens one as pam; defaults are seed 004's GOLD_MINI long."""

    def _open(**overrides):
        facts = {
            "instrument": "GOLD_MINI",
            "direction": "LONG",
            "size": 2,
            "entry_price": 71000,
            "stop_price": 70500,
            **overrides,
        }
        return book_services.position_open(actor=people["pam"], **facts)

    return _open


# --- Real processes: headless Chromium and a Celery worker --------------------------------

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    """Debian's headless Chromium driven by Playwright (its own browser download is not used)."""
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def login(browser, live_server):
    """login(user) -> a Playwright page signed in through the admin login form, in its own context
    (`timezone_id`: the browser's own zone, which the pages then show)."""
    contexts = []

    def _login(user, password: str | None = None, timezone_id: str = "Europe/London"):
        axes_reset(username=user.username)  # real throttling stays on; an earlier test's failures do not count
        context = browser.new_context(base_url=live_server.url, timezone_id=timezone_id)
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page.goto("/admin/login/")
        page.fill("#id_username", user.username)
        page.fill("#id_password", password or f"{user.username}-pass")
        page.click("input[type=submit]")
        page.wait_for_url(lambda url: "/login/" not in url)
        return page

    yield _login
    for context in contexts:
        context.close()


@contextlib.contextmanager
def worker_process(redis_url: str, *, pool: str = "solo", **extra_env):
    """A real `celery worker` subprocess on `redis_url` (broker and results) and the test database;
    this process's Celery talks to the same broker (`app.control.ping` saw it start)."""
    from django.conf import settings
    from django.db import connection

    from core import dbroles
    from pms_ops.celery import app

    if connection.vendor != "postgresql" or not redis_url:
        pytest.fail("a worker subprocess needs PostgreSQL and Redis: mark the test `postgres`.")
    env = dict(os.environ)
    env.update(
        DATABASE_URL=dbroles.url(connection.settings_dict),
        DATABASE_OWNER_URL=dbroles.url(dbroles.owner_settings()),
        REDIS_URL=redis_url,
        DJANGO_SETTINGS_MODULE="pms_ops.settings.test",
        CELERY_TASK_ALWAYS_EAGER="false",
        **extra_env,
    )
    hostname = f"test-{uuid.uuid4().hex[:8]}@%h"
    args = ["worker", "--pool", pool, "--hostname", hostname, "--loglevel", "WARNING"]
    args += ["--without-gossip", "--without-mingle"] + (["--concurrency", "2"] if pool == "prefork" else [])
    process = subprocess.Popen([sys.executable, "-m", "celery", "-A", "pms_ops", *args], env=env, cwd=settings.BASE_DIR)
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        deadline = time.monotonic() + 30
        while not app.control.ping(timeout=0.5):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail("the Celery worker did not start")
        yield process
    finally:
        app.conf.task_always_eager = eager
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture
def celery_worker_process(transactional_db):
    """A real `celery worker` subprocess on Redis and the test database (PostgreSQL + Redis only)."""
    from django.conf import settings

    with worker_process(settings.REDIS_URL) as process:
        yield process


@pytest.fixture
def start_worker(transactional_db):
    """`with start_worker(redis_url, pool=...) as process:` a worker on a broker of the test's choosing."""
    return worker_process


# --- Faults: a broker and a mail server of the test's own, stopped and started by the test ------


@pytest.fixture
def broker(monkeypatch, settings):
    """A redis-server of this test's own as broker (publishing for real, not eager) and cache, as in
    production; the test stops and starts it."""
    from celery import current_app

    from core.testing import PrivateRedis, publish_to

    server = PrivateRedis()
    server.start()
    options = {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 0.3, "SOCKET_TIMEOUT": 0.3}
    settings.CACHES = {
        "default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": server.url, "OPTIONS": options}
    }
    original = current_app.conf.broker_url
    monkeypatch.setitem(current_app.conf, "task_always_eager", False)
    settings.BACKUP_RESEND_AFTER_SECONDS = 0
    settings.OUTBOX_RESEND_AFTER_SECONDS = 0
    publish_to(server.url)
    yield server
    server.stop()
    publish_to(original)


@pytest.fixture
def smtp(settings):
    """Mail to a real SMTP server of this test's own (aiosmtpd); `smtp.stop()` makes it refuse."""
    from core.testing import PrivateSmtp

    server = PrivateSmtp()
    server.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", server.port, 5
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield server
    server.stop()
