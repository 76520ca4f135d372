"""The contract other apps code against (docs/incidents.md, "For other apps")."""

import pytest

from audit.chain import verify_chain
from audit.models import Event
from core.errors import Invalid
from incidents.models import Incident, Runbook, TimelineEvent
from incidents.services import incident_declare, incident_event_add

SLUGS = [
    "db-unavailable",
    "validation-failed",
    "data-corrupt",
    "force-clean-state",
    "high-error-rate",
    "slow-database",
    "emergency-restart",
    "cache-troubleshooting",
    "database-troubleshooting",
    "major-incident",
    "full-system-recovery",
    "trading-not-processing",
    "high-cpu-memory",
    "db-connection-failures",
    "dashboard-not-loading",
    "emergency-stop-trading",
    "post-outage-recovery",
    "database-unavailable",
    "redis-unavailable",
    "incorrect-position",
    "incorrect-mtm",
    "pipeline-failure",
    "general-restore",
]


def test_the_migration_loads_every_contract_runbook(db):
    assert sorted(Runbook.objects.values_list("slug", flat=True)) == sorted(SLUGS)
    for runbook in Runbook.objects.all():
        version = runbook.current
        assert version.number == 1
        assert version.recognition and version.recovery_actions and version.verification and version.escalate_if


def test_declare_attaches_the_runbook_checklist_and_opens_the_timeline(incident):
    assert incident.status == "declared"
    assert incident.runbook_version.runbook.slug == "database-unavailable"
    assert incident.checklist.count() == len(incident.runbook_version.checklist_steps())
    first, paged = incident.events.order_by("seq")
    assert (first.kind, first.author) == ("status_change", "ivy")
    assert (paged.kind, paged.author) == ("page", "system:paging")  # declaring pages the on-call at once
    assert Event.objects.filter(action="incidents.incident.declared", subject_id=str(incident.pk)).exists()


def test_open_filters_by_probe(incident, people):
    other = incident_declare(actor=people["oscar"], title="Slow", severity="P3", detected_by="oscar")
    assert list(Incident.objects.open().filter(detected_by="probe:database")) == [incident]
    assert set(Incident.objects.open()) == {incident, other}


def test_a_probe_adds_events_as_a_system_actor(incident):
    event = incident_event_add(actor="system:probes", incident=incident, kind="probe", text="database down 3 min")
    assert event.author == "system:probes"
    assert event.seq == 3  # after the declaration and its page
    assert verify_chain(TimelineEvent, incident.chain_name).ok


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"severity": "P5"}, "severity"),
        ({"runbook": "no-such-runbook"}, "runbook"),
        ({"detected_by": "ghost"}, "detected_by"),
        ({"title": "   "}, "title"),
        ({"impact": {"trading_halted": "yes"}}, "impact"),
    ],
)
def test_declare_refuses_bad_input_and_writes_nothing(people, kwargs, field):
    values = {"title": "Outage", "severity": "P2"} | kwargs
    with pytest.raises(Invalid) as refused:
        incident_declare(actor=people["ivy"], **values)
    assert field in refused.value.fields
    assert not Incident.objects.exists()
    assert not TimelineEvent.objects.exists()
