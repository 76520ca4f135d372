"""Incident fixtures: a declared P1, the on-call rota and the real webhook server paging reaches."""

import datetime as dt
import hashlib
import hmac
import json
import re
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest
from django.core.cache import cache
from django.utils import timezone

from incidents.models import EscalationLevel, OnCallShift
from incidents.services import incident_declare


@pytest.fixture(autouse=True)
def _clear_cache():
    """The war room reads the cached trading state: each test starts without an earlier test's halt."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def incident(people):
    return incident_declare(
        actor=people["ivy"],
        title="Database unavailable",
        severity="P1",
        detected_by="probe:database",
        runbook="database-unavailable",
        symptoms="API returns 500 on data endpoints",
        impact={"trading_halted": True},
    )


@dataclass
class Receiver:
    """A small real HTTP server that records webhook posts; `status` is what it answers."""

    url: str
    posts: list = field(default_factory=list)
    status: int = 204

    def json(self, index: int = -1) -> dict:
        return json.loads(self.posts[index]["body"])

    def signature_ok(self, index: int = -1, secret: str = "") -> bool:
        post = self.posts[index]
        expected = "sha256=" + hmac.new(secret.encode(), post["body"], hashlib.sha256).hexdigest()
        return hmac.compare_digest(post["headers"].get("x-pms-signature", ""), expected)


@pytest.fixture
def receiver():
    state = Receiver(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            headers = {name.lower(): value for name, value in self.headers.items()}
            state.posts.append({"path": self.path, "headers": headers, "body": body})
            self.send_response(state.status)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    state.url = f"http://127.0.0.1:{server.server_port}"
    yield state
    server.shutdown()
    server.server_close()


WEBHOOK_SECRET = "test-webhook-secret"


@pytest.fixture
def hooks(settings, receiver):
    """The generic JSON and the Slack webhook both point at the receiver (paths /json and /slack)."""
    settings.INCIDENTS_WEBHOOK_URL = f"{receiver.url}/json"
    settings.INCIDENTS_SLACK_WEBHOOK_URL = f"{receiver.url}/slack"
    settings.INCIDENTS_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.INCIDENTS_DELIVERY_RETRIES = 2
    return receiver


@pytest.fixture
def rota(people):
    """Seed 003's rota around today: oscar on call, ivy his backup; levels 2 and 3 have addresses.

    The shift spans yesterday to tomorrow so that a test whose clock was set at collection still
    finds it when the suite crosses midnight.
    """
    today = timezone.localdate()
    OnCallShift.objects.create(
        role="DevOps",
        primary=people["oscar"],
        backup=people["ivy"],
        starts_on=today - dt.timedelta(days=1),
        ends_on=today + dt.timedelta(days=1),
    )
    EscalationLevel.objects.filter(level=2).update(email="lead@example.com")
    EscalationLevel.objects.filter(level=3).update(email="manager@example.com")
    EscalationLevel.objects.filter(level=4).update(email="cto@example.com")


ACK_LINK = re.compile(r"https?://\S+/incidents/acknowledge/\S+")


def ack_link(message) -> str:
    """The acknowledge link in a received page, as a path on the test server."""
    found = ACK_LINK.search(message.get_content())
    assert found, message.get_content()
    return urlsplit(found.group(0)).path
