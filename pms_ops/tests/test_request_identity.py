"""X-Request-ID and the client address: what a caller may say about itself, and what ends up in the audit row."""

import os
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.test import RequestFactory

from audit.models import Event
from core import net

HEALTH, HALT = "/api/v1/health", "/api/v1/ops/trading/halt"


@pytest.mark.parametrize("given", ["abc-123", "A.b_c-9", "x" * 64, "0f8e2d3c-5b1a-4c6e-9d7f-2a1b3c4d5e6f"])
def test_a_short_plain_request_id_is_kept_and_echoed(client, given):
    assert client.get(HEALTH, HTTP_X_REQUEST_ID=given)["X-Request-ID"] == given


@pytest.mark.parametrize(
    "given",
    ["x" * 65, "evil\tid", "a b", "<script>", "id;drop", "naïve", "line\\nbreak", "../../etc", "%00"],
)
def test_anything_else_is_replaced_by_a_new_id(client, given):
    echoed = client.get(HEALTH, HTTP_X_REQUEST_ID=given)["X-Request-ID"]
    assert echoed != given and len(echoed) == 32 and echoed.isalnum()


def test_without_a_request_id_each_request_gets_its_own(client):
    first, second = (client.get(HEALTH)["X-Request-ID"] for _ in range(2))
    assert first != second and len(first) == 32


def _ip(settings, proxies, remote, forwarded=None):
    settings.TRUSTED_PROXIES = proxies
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return net.client_ip(RequestFactory().get("/", REMOTE_ADDR=remote, **extra))


@pytest.mark.parametrize(
    ("proxies", "remote", "forwarded", "expected"),
    [
        ([], "203.0.113.5", "198.51.100.1", "203.0.113.5"),  # no trusted proxy: the header is ignored
        (["10.0.0.2"], "203.0.113.5", "198.51.100.1", "203.0.113.5"),  # the peer is not our proxy
        (["10.0.0.2"], "10.0.0.2", "198.51.100.1", "198.51.100.1"),
        (["10.0.0.0/8"], "10.0.0.2", "6.6.6.6, 198.51.100.1, 10.0.0.9", "198.51.100.1"),  # a spoofed hop on the left
        (["10.0.0.0/8"], "10.0.0.2", "garbage, 198.51.100.1", "198.51.100.1"),
        (["10.0.0.0/8"], "10.0.0.2", "198.51.100.1, not-an-ip", "10.0.0.2"),  # a garbled hop: stop at our proxy
        (["10.0.0.0/8"], "10.0.0.2", "", "10.0.0.2"),
        (["10.0.0.0/8"], "10.0.0.2", None, "10.0.0.2"),
        (["10.0.0.0/8"], "10.0.0.2", "10.0.0.7", "10.0.0.7"),  # only proxies: the furthest one
        (["::1"], "::1", "2001:db8::5", "2001:db8::5"),
        (["127.0.0.1"], "::ffff:127.0.0.1", "192.0.2.44", "192.0.2.44"),  # IPv4-mapped peer
        ([], "", None, None),
    ],
)
def test_the_client_address(settings, proxies, remote, forwarded, expected):
    assert _ip(settings, proxies, remote, forwarded) == expected


def test_a_malformed_trusted_proxy_setting_stops_the_start():
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=django_settings.BASE_DIR,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "pms_ops.settings.test", "TRUSTED_PROXIES": "10.0.0.300"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0 and "TRUSTED_PROXIES: '10.0.0.300' is not an IP address or CIDR." in result.stderr


def test_the_audit_row_records_the_forwarded_client_and_the_request_id(
    api, settings, django_capture_on_commit_callbacks
):
    settings.TRUSTED_PROXIES = ["10.0.0.2"]
    with django_capture_on_commit_callbacks(execute=True):
        response = api["oscar"].post(
            HALT,
            {"reason": "Broker feed sending duplicate fills"},
            format="json",
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.23",
            HTTP_X_REQUEST_ID="halt-0001",
        )
    assert response.status_code == 201 and response["X-Request-ID"] == "halt-0001"
    event = Event.objects.get(action="ops.trading.halted")
    assert (event.client_ip, event.request_id) == ("198.51.100.23", "halt-0001")


def test_an_untrusted_peer_cannot_choose_its_audited_address(api, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        api["oscar"].post(
            HALT,
            {"reason": "Broker feed sending duplicate fills"},
            format="json",
            REMOTE_ADDR="203.0.113.77",
            HTTP_X_FORWARDED_FOR="10.0.0.1",
            HTTP_X_REQUEST_ID="x" * 65,
        )
    event = Event.objects.get(action="ops.trading.halted")
    assert event.client_ip == "203.0.113.77" and len(event.request_id) == 32
