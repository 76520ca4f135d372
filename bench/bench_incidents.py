"""Incidents benchmarks (PostgreSQL): timeline append, the war room with 5,000 events, the list over 100,000 incidents.

Goals (issue 5): append p95 < 20 ms; war-room page server time < 200 ms; filtered list page p95 < 30 ms.
Big datasets are generated fast: the timeline as bulk inserts with a precomputed hash chain,
the incidents with one `generate_series` INSERT.
"""

import datetime as dt

from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.utils import timezone
from rest_framework.authtoken.models import Token

from audit import chain
from audit.chain import verify_chain
from bench.harness import percentiles, timed
from conftest import make_user
from core.roles import INCIDENT_COMMANDER
from incidents.models import Incident, TimelineEvent
from incidents.services import incident_declare, incident_event_add

WAR_ROOM_EVENTS = 5_000
INCIDENTS = 100_000


def _commander():
    user = make_user("bench-ivy")
    user.groups.add(Group.objects.get(name=INCIDENT_COMMANDER))
    return user


def bench_append(user) -> dict:
    incident = incident_declare(actor=user, title="Append bench", severity="P2")
    counter = iter(range(10_000))
    samples = timed(
        lambda: incident_event_add(actor=user, incident=incident, kind="note", text=f"n{next(counter)}"), 300
    )
    return percentiles(samples[20:])  # the first calls warm caches and connections


def fill_timeline(incident: Incident, count: int) -> None:
    """Bulk insert `count` notes with a precomputed hash chain continuing from the head."""
    seq, prev = chain.head(TimelineEvent, incident.chain_name)
    start = timezone.now() - dt.timedelta(hours=6)
    rows = []
    for i in range(1, count + 1):
        at = start + dt.timedelta(seconds=i)
        row = TimelineEvent(
            chain=incident.chain_name,
            seq=seq + i,
            prev_hash=prev,
            incident=incident,
            kind="note",
            text=f"Bench note {i}: checked replication lag and pool usage",
            author="bench-ivy",
            occurred_at=at,
            recorded_at=at,
            data={},
        )
        row.hash = prev = row.compute_hash()
        rows.append(row)
    TimelineEvent.objects.bulk_create(rows, batch_size=1000)


def bench_war_room(user) -> dict:
    incident = incident_declare(actor=user, title="War room bench", severity="P1", runbook="database-unavailable")
    fill_timeline(incident, WAR_ROOM_EVENTS)
    report = verify_chain(TimelineEvent, incident.chain_name)
    client = Client()
    client.force_login(user)
    url = f"/incidents/{incident.pk}/"
    assert client.get(url).status_code == 200
    figures = percentiles(timed(lambda: client.get(url), 30))
    figures.update(events=report.rows, chain_ok=report.ok)
    return figures


INSERT_INCIDENTS = """
INSERT INTO incidents_incident (title, public_title, severity, status, version, detected_by, impact, symptoms,
  root_cause, recovery_actions, recovery_time_reason, data_loss, data_loss_details, prevention, declared_by,
  declared_at, started_at,
  acknowledged_at, resolved_at, closed_at, escalation_level)
SELECT 'Bench incident ' || g, '',
       'P' || (1 + g %% 4),
       (ARRAY['declared','acknowledged','mitigated','resolved','closed'])[1 + g %% 5],
       1, 'probe:bench', '{}'::jsonb, '', '', '', '', false, '', '', 'bench-ivy',
       now() - (g %% 120) * interval '1 day' - (g %% 1440) * interval '1 minute',
       now() - (g %% 120) * interval '1 day' - (g %% 1440) * interval '1 minute',
       CASE WHEN g %% 5 > 0 THEN now() - (g %% 120) * interval '1 day' - (g %% 1440) * interval '1 minute'
            + (5 + g %% 30) * interval '1 minute' END,
       CASE WHEN g %% 5 > 2 THEN now() - (g %% 120) * interval '1 day' - (g %% 1440) * interval '1 minute'
            + (60 + g %% 300) * interval '1 minute' END,
       NULL, 0
FROM generate_series(1, %s) AS g
"""


def bench_list(user) -> dict:
    with connection.cursor() as cursor:
        cursor.execute(INSERT_INCIDENTS, [INCIDENTS])
        cursor.execute("ANALYZE incidents_incident")
    token, _ = Token.objects.get_or_create(user=user)
    client = Client(HTTP_AUTHORIZATION=f"Token {token.key}")
    since = (timezone.localdate() - dt.timedelta(days=60)).isoformat()
    query = {"status": "resolved", "severity": "P2", "since": since}
    first = client.get("/api/v1/incidents/", query)
    assert first.status_code == 200 and len(first.json()["results"]) == 50
    api = percentiles(timed(lambda: client.get("/api/v1/incidents/", query), 100))
    browser = Client()
    browser.force_login(user)
    page = percentiles(timed(lambda: browser.get("/incidents/", query), 30))
    return {"incidents": Incident.objects.count(), "api_filtered_page": api, "list_page_with_chart": page}


def run() -> dict:
    user = _commander()
    return {
        "timeline_append": bench_append(user),
        "war_room_5000_events": bench_war_room(user),
        "incident_list_100k": bench_list(user),
        "goals_ms": {"timeline_append_p95": 20, "war_room_server": 200, "list_filtered_p95": 30},
    }
