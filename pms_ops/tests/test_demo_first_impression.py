"""The demo's first impression is honest: heartbeats that arrive, a real verified backup, no probe incident."""

import datetime as dt
import io
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from backups.models import BackupStatus
from backups.selectors import newest_verified_backup
from incidents.models import Incident
from ops import probes, tasks
from ops.models import Heartbeat, ProbeResult, Status

pytestmark = pytest.mark.sqlite
# The celery probe needs a running worker (`make run` has one); every other probe runs here.
PROBES = [name for name in probes.PROBES if name != "celery"]


@pytest.fixture
def demo(transactional_db, settings, tmp_path):
    """The demo as `make run` loads it (a transactional db: the SQLite online backup refuses an open transaction)."""
    settings.DEMO_PASSWORDS_FILE = tmp_path / "demo_passwords"
    settings.BACKUP_DIR = tmp_path / "backups"
    call_command("demo_data", stdout=io.StringIO())


def test_the_demo_starts_as_a_healthy_desk(demo, client):
    story = set(Incident.objects.values_list("pk", flat=True))  # the demo's own story: one resolved, one open
    out = io.StringIO()
    call_command("demo_heartbeats", "--once", stdout=out)
    assert out.getvalue().split("\n")[:2] == ["heartbeat morning-pack: ping", "heartbeat trading-instance: ping"]
    for name in PROBES:  # twice, as beat would: two failures within the hour would declare an incident
        tasks.probe_run(name)
        tasks.probe_run(name)

    assert set(Incident.objects.values_list("pk", flat=True)) == story and len(story) == 2
    failing = ProbeResult.objects.exclude(status=Status.OK).values_list("probe", "message")
    assert list(failing) == []
    now = timezone.now()
    for beat in Heartbeat.objects.all():
        assert beat.last_seen_at is not None and now - beat.last_seen_at < timedelta(minutes=1)
    backup = newest_verified_backup()
    assert backup is not None and backup.status == BackupStatus.VERIFIED and backup.requested_by == "system:demo"
    assert backup.file in {f["name"] for f in backup.files} and backup.verification["ok"]

    client.force_login(get_user_model().objects.get(username="ops"))
    page = client.get("/admin/").content.decode()
    stamp = backup.finished_at.astimezone(dt.UTC).isoformat()
    assert f'Newest verified backup: <time datetime="{stamp}"' in page and 'class="pms-fail">none' not in page
    assert "never seen" not in client.get("/ops/").content.decode()


def test_the_demo_heartbeats_ping_only_when_due(demo):
    call_command("demo_heartbeats", "--once", stdout=io.StringIO())
    seen = dict(Heartbeat.objects.values_list("name", "last_seen_at"))
    out = io.StringIO()
    call_command("demo_heartbeats", "--once", stdout=out)
    assert out.getvalue() == "" and dict(Heartbeat.objects.values_list("name", "last_seen_at")) == seen
    Heartbeat.objects.filter(name="trading-instance").update(last_seen_at=timezone.now() - timedelta(seconds=31))
    call_command("demo_heartbeats", "--once", stdout=out)
    assert out.getvalue() == "heartbeat trading-instance: ping\n"


def test_a_second_load_within_the_hour_keeps_the_backup_it_has(demo):
    first = newest_verified_backup()
    call_command("demo_data", stdout=io.StringIO())
    assert newest_verified_backup() == first
