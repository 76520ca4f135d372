"""Maintenance mode: API writes get 503 + Retry-After, pages say so, the flag crosses processes."""

import subprocess
import sys

import pytest
from django.conf import settings

from core import maintenance


@pytest.fixture
def in_maintenance():
    maintenance.maintenance_on(reason="restore #7 of backup #3", by="system:tests")
    yield
    maintenance.maintenance_off()


@pytest.mark.django_db
def test_api_writes_answer_503_with_retry_after(api, in_maintenance):
    response = api["oscar"].post("/api/v1/ops/backups")
    assert response.status_code == 503
    assert response["Retry-After"] == str(settings.MAINTENANCE_RETRY_AFTER_SECONDS)
    body = response.json()
    assert body["error"] == "maintenance" and "restore #7" in body["detail"]


@pytest.mark.django_db
def test_api_reads_and_health_keep_working(api, in_maintenance):
    assert api["oscar"].get("/api/v1/ops/backups").status_code == 200
    assert api[None].get("/api/v1/health").status_code == 200


@pytest.mark.django_db
def test_pages_say_maintenance(client, people, in_maintenance):
    client.force_login(people["oscar"])
    page = client.get("/admin/")
    assert page.status_code == 200
    assert b'id="pms-maintenance"' in page.content and b"restore #7" in page.content
    form = client.post("/admin/backups/backup/start/")
    assert form.status_code == 503 and b"maintenance" in form.content


@pytest.mark.django_db
def test_signing_in_still_works(client, people, in_maintenance):
    response = client.post("/admin/login/", {"username": "oscar", "password": "oscar-pass"})
    assert response.status_code == 302


@pytest.mark.django_db
def test_once_off_writes_pass_again(api, in_maintenance):
    maintenance.maintenance_off()
    assert api["pam"].post("/api/v1/ops/backups").status_code == 403  # a role answer, not 503


def test_the_flag_is_seen_by_another_process(in_maintenance):
    code = "from core import maintenance; print(maintenance.maintenance_state()['reason'])"
    env = {
        "DJANGO_SETTINGS_MODULE": "pms_ops.settings.test",
        "MAINTENANCE_FLAG_PATH": str(settings.MAINTENANCE_FLAG_PATH),
    }
    script = f"import django; django.setup(); {code}"
    out = subprocess.run([sys.executable, "-c", script], env={**__import__("os").environ, **env}, capture_output=True)
    assert out.stdout.decode().strip() == "restore #7 of backup #3", out.stderr.decode()[-500:]


def test_an_unreadable_flag_errs_on_the_side_of_maintenance():
    settings.MAINTENANCE_FLAG_PATH.parent.mkdir(parents=True, exist_ok=True)
    settings.MAINTENANCE_FLAG_PATH.write_text("{half a json")
    assert maintenance.maintenance_state()["reason"] == "maintenance flag unreadable"
