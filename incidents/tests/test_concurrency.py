"""Two people change the status at once: one wins, the other gets 409 with the current state."""

import threading

import pytest
from django.db import connection

from incidents.models import Incident
from incidents.services import incident_declare

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def race(clients, url, bodies):
    barrier = threading.Barrier(len(clients))
    results = [None] * len(clients)

    def run(index):
        barrier.wait()
        try:
            results[index] = clients[index].post(url, bodies[index], format="json")
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.mark.parametrize("with_version", [True, False])
def test_simultaneous_status_changes(api, people, with_version):
    incident = incident_declare(actor=people["ivy"], title="Trading halted", severity="P1")
    version = {"version": 1} if with_version else {}
    url = f"/api/v1/incidents/{incident.pk}/status"
    results = race(
        [api["ivy"], api["oscar"]],
        url,
        [{"status": "acknowledged", **version}, {"status": "acknowledged", **version}],
    )
    codes = sorted(r.status_code for r in results)
    assert codes == [200, 409], [r.data for r in results]
    loser = next(r for r in results if r.status_code == 409)
    assert loser.data["current"] == {"id": incident.pk, "status": "acknowledged", "version": 2, "severity": "P1"}
    assert Incident.objects.get(pk=incident.pk).version == 2
    assert incident.events.filter(kind="status_change").count() == 2


def test_concurrent_notes_keep_one_unbroken_chain(api, people):
    from audit.chain import verify_chain
    from incidents.models import TimelineEvent

    incident = incident_declare(actor=people["ivy"], title="Slow", severity="P3")
    url = f"/api/v1/incidents/{incident.pk}/timeline"
    who = ["ivy", "oscar", "pam", "alice"]
    results = race([api[w] for w in who], url, [{"text": f"note from {w}"} for w in who])
    assert [r.status_code for r in results] == [201] * 4
    report = verify_chain(TimelineEvent, incident.chain_name)
    assert report.ok and report.rows == 6  # declared, paged, four notes
