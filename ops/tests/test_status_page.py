"""The public status page (/status/, /status.json): no login, the components' state from the
probes, open incidents by their public words only, the last 14 days; nothing internal."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from core import maintenance
from incidents.services import incident_declare, incident_event_add, incident_role_assign, status_update_post
from ops import services
from ops.models import Level, ProbeResult, ProbeState, Status
from ops.statuspage import CACHE_KEY

INTERNAL_TITLE = "Primary PG on db-7 OOM-killed by runaway recon query"
PUBLIC_TITLE = "Delays in position updates"
NOTE = "oscar thinks the vacuum on ledger_entries caused it"


@pytest.fixture
def anonymous():
    return Client()


@pytest.fixture
def all_ok(db):
    now = timezone.now()
    for name in ("database", "redis", "celery", "backup_freshness", "disk", "heartbeats"):
        ProbeState.objects.create(probe=name, status=Status.OK, last_run_at=now, last_ok_at=now)


@pytest.fixture
def incident(people, all_ok):
    incident = incident_declare(
        actor=people["ivy"], title=INTERNAL_TITLE, public_title=PUBLIC_TITLE, severity="P1", runbook="db-unavailable"
    )
    incident_event_add(actor=people["oscar"], incident=incident, kind="note", text=NOTE)
    incident_role_assign(actor=people["ivy"], incident=incident, role="commander", user=people["ivy"])
    status_update_post(actor=people["ivy"], incident=incident, text="An older update.")
    status_update_post(actor=people["ivy"], incident=incident, text="Positions are delayed by about 5 minutes.")
    return incident


def page(client) -> dict:
    response = client.get("/status.json")
    assert response.status_code == 200
    return response.json()


def states(body: dict) -> dict[str, str]:
    return {c["name"]: c["state"] for c in body["components"]}


def test_all_operational_without_login(anonymous, all_ok):
    body = page(anonymous)
    assert body["status"]["indicator"] == "operational"
    assert body["status"]["description"] == "All systems operational"
    assert states(body) == dict.fromkeys(("database", "cache", "workers", "backups", "trading"), "operational")
    assert body["incidents"] == []
    html = anonymous.get("/status/")
    assert html.status_code == 200
    assert "All systems operational" in html.content.decode()
    assert "No open incidents." in html.content.decode()


def test_components_follow_their_probes(anonymous, all_ok):
    ProbeState.objects.filter(probe="redis").update(status=Status.FAIL)
    ProbeState.objects.filter(probe="disk").update(status=Status.WARN)
    ProbeState.objects.filter(probe="celery").delete()
    body = page(anonymous)
    assert states(body) == {
        "database": "operational",
        "cache": "outage",
        "workers": "unknown",  # never reported
        "backups": "degraded",  # the worst of backup freshness and the backup volume
        "trading": "operational",
    }
    assert body["status"]["indicator"] == "outage"


def test_a_probe_that_stopped_reporting_is_unknown(anonymous, all_ok):
    ProbeState.objects.filter(probe="database").update(last_run_at=timezone.now() - dt.timedelta(minutes=10))
    assert states(page(anonymous))["database"] == "unknown"


def test_a_trading_halt_is_an_outage_without_its_internal_reason(anonymous, all_ok, people):
    services.trading_halt(actor=people["oscar"], reason="Risk breach on GOLD_MINI, pam's book")
    body = page(anonymous)
    trading = next(c for c in body["components"] if c["name"] == "trading")
    assert trading == {"name": "trading", "label": "Trading", "state": "outage", "note": "Trading is halted."}
    assert "GOLD_MINI" not in anonymous.get("/status/").content.decode()
    assert body["history"][0]["components"][-1] == {"name": "trading", "state": "outage"}


def test_open_incidents_show_their_public_words_and_latest_update_only(anonymous, incident, people):
    body = page(anonymous)
    assert body["status"]["indicator"] == "degraded"  # an open incident is never "all operational"
    [shown] = body["incidents"]
    assert shown["title"] == PUBLIC_TITLE
    assert shown["impact"] == "critical"
    assert shown["status"] == "declared"
    assert shown["latest_update"]["text"] == "Positions are delayed by about 5 minutes."
    assert set(shown) == {"title", "impact", "status", "started_at", "resolved_at", "latest_update"}
    for text in (page(anonymous).__repr__(), anonymous.get("/status/").content.decode()):
        for secret in (INTERNAL_TITLE, NOTE, "ivy", "oscar", "db-unavailable", "An older update"):
            assert secret not in text


def test_an_incident_without_public_words_gets_a_generic_line(anonymous, all_ok, people):
    incident_declare(actor=people["ivy"], title=INTERNAL_TITLE, severity="P3")
    [shown] = page(anonymous)["incidents"]
    assert shown["title"] == "We are investigating a problem with the service"
    assert shown["latest_update"] is None
    assert INTERNAL_TITLE not in anonymous.get("/status/").content.decode()


def test_public_words_can_be_written_later(anonymous, all_ok, people, api):
    incident = incident_declare(actor=people["ivy"], title=INTERNAL_TITLE, severity="P2")
    response = api["ivy"].patch(f"/api/v1/incidents/{incident.pk}", {"public_title": PUBLIC_TITLE}, format="json")
    assert response.status_code == 200 and response.json()["public_title"] == PUBLIC_TITLE
    assert page(anonymous)["incidents"][0]["title"] == PUBLIC_TITLE


def test_the_last_fourteen_days(anonymous, all_ok, people):
    now = timezone.now()
    three_days_ago = now - dt.timedelta(days=3)
    ProbeResult.objects.create(
        probe="database", status=Status.FAIL, level=Level.CRITICAL, latency_ms=1, created_at=three_days_ago
    )
    ProbeResult.objects.create(probe="redis", status=Status.FAIL, latency_ms=1, created_at=three_days_ago)
    ProbeResult.objects.create(probe="celery", status=Status.OK, latency_ms=1, created_at=three_days_ago)
    long_ago = now - dt.timedelta(days=20)  # before the window: not shown
    ProbeResult.objects.create(probe="database", status=Status.FAIL, latency_ms=1, created_at=long_ago)
    old = incident_declare(actor=people["ivy"], title=INTERNAL_TITLE, public_title=PUBLIC_TITLE, severity="P2")
    type(old).objects.filter(pk=old.pk).update(declared_at=three_days_ago)

    history = page(anonymous)["history"]
    assert len(history) == 14
    assert history[0]["date"] == now.astimezone(dt.UTC).date().isoformat()
    day = next(d for d in history if d["date"] == three_days_ago.astimezone(dt.UTC).date().isoformat())
    assert {c["name"]: c["state"] for c in day["components"]} == {
        "database": "outage",  # went CRITICAL
        "cache": "degraded",  # failed, never critical
        "workers": "operational",
        "backups": "unknown",  # no result that day
        "trading": "unknown",
    }
    assert day["incidents"] == [
        {
            "title": PUBLIC_TITLE,
            "impact": "major",
            "status": "declared",
            "started_at": day["incidents"][0]["started_at"],
            "resolved_at": None,
        }
    ]
    assert all(c["state"] == "unknown" for c in history[-1]["components"])  # nothing recorded


def test_one_rendering_is_shared_for_a_few_seconds(anonymous, all_ok, django_assert_num_queries):
    first = page(anonymous)
    with django_assert_num_queries(0):
        again = page(anonymous)
        html = anonymous.get("/status/")
    assert again["updated_at"] == first["updated_at"] and html.status_code == 200


def test_with_the_database_down_the_last_good_page_is_served(anonymous, all_ok, database_down):
    first = page(anonymous)
    cache.delete(CACHE_KEY)  # the shared rendering expired; the last good one is kept a day
    with database_down():
        assert page(anonymous)["updated_at"] == first["updated_at"]


def test_with_the_database_down_and_nothing_kept_it_says_so(anonymous, db, database_down):
    with database_down():
        body = page(anonymous)
        html = anonymous.get("/status/")
    assert body["status"]["indicator"] == "outage"
    assert states(body)["database"] == "outage" and states(body)["cache"] == "unknown"
    assert html.status_code == 200 and "Service outage" in html.content.decode()


def test_maintenance_is_said_in_the_pages_own_words(anonymous, all_ok, settings, tmp_path):
    settings.MAINTENANCE_FLAG_PATH = str(tmp_path / "maintenance.json")
    maintenance.maintenance_on(reason="restore of backup #12 requested by oscar", by="oscar")
    try:
        body = page(anonymous)
        html = anonymous.get("/status/").content.decode()
    finally:
        maintenance.maintenance_off()
    assert body["status"]["maintenance"] is True
    assert "Maintenance is in progress" in html
    assert "backup #12" not in html and "oscar" not in html


def test_only_reading(anonymous, all_ok):
    assert anonymous.post("/status/").status_code == 405
    assert anonymous.post("/status.json").status_code == 405
