"""The production way to run: gunicorn, a Celery worker and Celery beat on PostgreSQL and Redis.

Real processes with the production settings module (DEBUG off, SECRET_KEY from the
environment, TLS behind a proxy): a request is served by gunicorn, a task by the worker,
and beat syncs the schedule into django-celery-beat's tables.
"""

import re
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from django.conf import settings
from django_celery_beat.models import PeriodicTask

from core.testing import free_port, production_env
from pms_ops.celery import ping

pytestmark = [pytest.mark.postgres, pytest.mark.worker]


def _start(args: list[str], env: dict, log) -> subprocess.Popen:
    return subprocess.Popen(args, env=env, cwd=settings.BASE_DIR, stdout=log, stderr=subprocess.STDOUT)


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()


class Browser:
    """Just enough of a browser for the admin login: cookies by hand (they are Secure), TLS via the proxy header."""

    def __init__(self, base: str):
        self.base = base
        self.cookies: dict[str, str] = {}

    def request(self, path: str, data: dict | None = None):
        headers = {"X-Forwarded-Proto": "https", "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if data is not None:
            body = urllib.parse.urlencode(data).encode()
            headers["Origin"] = self.base.replace("http://", "https://")
            headers["Referer"] = headers["Origin"] + path
        req = urllib.request.Request(self.base + path, data=body, headers=headers)  # noqa: S310 (loopback)
        opener = urllib.request.build_opener(NoRedirect)
        try:
            response = opener.open(req, timeout=10)
        except urllib.error.HTTPError as redirect:
            response = redirect
        for header in response.headers.get_all("Set-Cookie") or []:
            name, value = header.split(";", 1)[0].split("=", 1)
            self.cookies[name] = value
        return response.status, response.headers, response.read().decode()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _wait_for_http(url: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail("gunicorn exited before it served a request")
        try:
            urllib.request.urlopen(url, timeout=1).close()  # noqa: S310 (loopback)
            return
        except OSError:
            time.sleep(0.2)
    pytest.fail("gunicorn did not answer within 30 s")


@pytest.fixture
def operator(transactional_db, settings):
    from conftest import make_user

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]  # production's default
    return make_user("olga", "Ops")


def test_gunicorn_serves_the_admin_on_postgresql(operator, tmp_path):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with open(tmp_path / "gunicorn.log", "w") as log:
        server = _start(
            [sys.executable, "-m", "gunicorn", "pms_ops.wsgi", "--workers", "2", "--bind", f"127.0.0.1:{port}"],
            production_env(),
            log,
        )
        try:
            _wait_for_http(f"{base}/api/v1/health", server)
            browser = Browser(base)
            status, _, page = browser.request("/admin/login/")
            assert status == 200 and "PMS Ops" in page
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
            status, headers, _ = browser.request(
                "/admin/login/?next=/admin/",
                {"csrfmiddlewaretoken": token, "username": "olga", "password": "olga-pass", "next": "/admin/"},
            )
            assert status == 302 and headers["Location"] == "/admin/"
            status, _, page = browser.request("/admin/")
            assert status == 200 and "olga" in page
            status, headers, _ = Browser(base).request("/api/v1/health")
            assert status == 200 and headers["Strict-Transport-Security"].startswith("max-age=")
        finally:
            _stop(server)


def test_a_worker_executes_a_task_and_beat_syncs_its_schedule(celery_worker_process, tmp_path):
    assert ping.delay().get(timeout=20) == "pong"
    with open(tmp_path / "beat.log", "w") as log:
        beat = _start(
            [sys.executable, "-m", "celery", "-A", "pms_ops", "beat", "--loglevel", "INFO"],
            production_env(),
            log,
        )
        try:
            deadline = time.monotonic() + 30
            while "beat: Starting" not in (tmp_path / "beat.log").read_text():
                assert beat.poll() is None, (tmp_path / "beat.log").read_text()
                assert time.monotonic() < deadline, "celery beat did not start"
                time.sleep(0.2)
            wanted = set(settings.CELERY_BEAT_SCHEDULE)
            while wanted - set(PeriodicTask.objects.values_list("name", flat=True)):
                assert time.monotonic() < deadline, "beat did not sync the schedule"
                time.sleep(0.2)
            assert beat.poll() is None
        finally:
            _stop(beat)
