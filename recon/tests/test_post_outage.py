"""Seed 003's post-outage checklist sends the incident commander to a fresh reconciliation, by a link."""

from django.test import Client

from incidents.services import incident_declare


def test_the_post_outage_checklist_links_to_reconciliation(people):
    incident = incident_declare(actor=people["ivy"], title="Outage over", severity="P2", runbook="post-outage-recovery")
    steps = [item.text for item in incident.checklist.order_by("position")]
    assert any("/recon/" in step for step in steps)
    client = Client()
    client.force_login(people["ivy"])
    page = client.get(f"/incidents/{incident.pk}/").content.decode()
    assert 'reconcile a fresh broker statement at <a href="/recon/">/recon/</a>' in page
    assert '<a href="/api/v1/health' not in page  # the API is named, not linked
