"""Results are stored with their level, the state follows, and old results are pruned."""

from django.utils import timezone

from audit.models import Event
from ops import tasks
from ops.models import Level, ProbeResult, ProbeState, Status


def test_a_result_is_stored_with_latency_message_details(record):
    result = record("disk", "ok", "80% free", latency_ms=3.5, path="/var")
    stored = ProbeResult.objects.get(pk=result.pk)
    assert (stored.probe, stored.status, stored.latency_ms, stored.message) == ("disk", "ok", 3.5, "80% free")
    assert stored.details == {"path": "/var"}
    assert stored.level == Level.NONE
    state = ProbeState.objects.get(probe="disk")
    assert (state.status, state.last_ok_at) == ("ok", stored.created_at)


def test_latency_thresholds_of_seed_000(record):
    assert record("database", latency_ms=150).level == Level.INFO
    slow = record("database", latency_ms=612)
    assert (slow.status, slow.level) == (Status.WARN, Level.WARNING)


def test_one_failure_is_a_warning_two_within_an_hour_are_critical(record):
    first = record("disk", "fail", "only 2% free")
    assert first.level == Level.WARNING
    # an old failure outside the window does not count
    ProbeResult.objects.filter(pk=first.pk).update(created_at=timezone.now() - timezone.timedelta(minutes=61))
    assert record("disk", "fail", "only 2% free").level == Level.WARNING
    assert record("disk", "fail", "only 1% free").level == Level.CRITICAL


def test_the_task_runs_a_probe_and_stores_it(db):
    assert tasks.probe_run.delay("database").get() == "ok"
    assert ProbeResult.objects.filter(probe="database", status="ok").count() == 1


def test_an_unknown_probe_name_stores_nothing(db):
    assert tasks.probe_run("nope") is None
    assert not ProbeResult.objects.exists()


def test_results_older_than_90_days_are_pruned_and_it_is_audited(record):
    old = record("database")
    ProbeResult.objects.filter(pk=old.pk).update(created_at=timezone.now() - timezone.timedelta(days=91))
    recent = record("database")
    assert tasks.probe_results_prune.delay().get() == 1
    assert list(ProbeResult.objects.values_list("pk", flat=True)) == [recent.pk]
    event = Event.objects.get(action="ops.probe_results.pruned")
    assert event.payload["deleted"] == 1 and event.payload["days"] == 90
    assert event.actor == "system:probes"


def test_results_list_filters_and_exports_csv(api, record):
    record("disk", "fail", "only 2% free", path="/var")
    record("database", "ok")
    rows = api["audrey"].get("/api/v1/ops/probes/results?probe=disk").json()["results"]
    assert [(r["probe"], r["status"]) for r in rows] == [("disk", "fail")]
    csv = api["audrey"].get("/api/v1/ops/probes/results?status=fail&format=csv")
    assert csv.status_code == 200 and csv["Content-Type"].startswith("text/csv")
    lines = csv.content.decode().splitlines()
    assert lines[0].startswith("id,probe,status,level,latency_ms,message,details")
    assert len(lines) == 2 and "only 2% free" in lines[1]


def test_a_malformed_filter_is_400_naming_it(api, record):
    for query, field in (("probe=nope", "probe"), ("since=yesterday", "since"), ("colour=red", "colour")):
        response = api["audrey"].get(f"/api/v1/ops/probes/results?{query}")
        assert response.status_code == 400, query
        assert field in response.json()["fields"]
