"""The demo rows load through the services and a second run adds nothing."""

from incidents import demo
from incidents.models import Incident, OnCallShift


def test_demo_loads_a_rota_a_resolved_and_an_open_incident(people):
    users = {"commander": people["ivy"], "ops": people["oscar"], "pm": people["pam"]}
    demo.load(users)
    demo.load(users)
    assert OnCallShift.objects.count() == 2
    assert Incident.objects.filter(status="resolved").count() == 1
    assert Incident.objects.open().count() == 1
    resolved = Incident.objects.get(status="resolved")
    assert resolved.postmortem.missing() == []
    assert resolved.journal_entry_id
