"""An unresolved break past its age limit declares an incident, once."""

import datetime as dt

from django.test import override_settings
from django.utils import timezone

from incidents.models import Incident
from recon import tasks
from recon.models import Break

from .conftest import csv_of


@override_settings(RECON_BREAK_AGE_LIMIT_HOURS=24, RECON_BREAK_INCIDENT_SEVERITY="P2")
def test_an_old_open_break_raises_one_incident(post_statement, open_position):
    open_position()
    post_statement(csv_of("GOLD_MINI,LONG,3,71000", "BANK_NIFTY,LONG,1,48000"))
    old, young = Break.objects.order_by("pk")
    Break.objects.filter(pk=old.pk).update(opened_at=timezone.now() - dt.timedelta(hours=24, seconds=1))
    Break.objects.filter(pk=young.pk).update(opened_at=timezone.now() - dt.timedelta(hours=23, minutes=59))

    declared = tasks.breaks_escalate()
    assert len(declared) == 1
    incident = Incident.objects.get(pk=declared[0])
    assert incident.severity == "P2"
    assert f"#{old.pk}" in incident.title and old.instrument in incident.title
    old.refresh_from_db()
    assert old.incident_id == incident.pk and old.events.filter(kind="escalated").exists()
    assert tasks.breaks_escalate() == []  # never twice for one break
    assert Incident.objects.count() == 1
