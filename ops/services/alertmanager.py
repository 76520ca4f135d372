"""Prometheus Alertmanager's webhook (payload version 4): one incident per alert group.

A group (`groupKey`) declares one incident when it first fires; its later alerts go onto that
incident's timeline while it is open, and a recovery is noted there: people resolve incidents,
never the machine (as for probes, `alerting.py`). Alertmanager repeats and retries
notifications, so each (alert, start, status) is written once.
"""

import re

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from audit.services import event_record
from incidents.models import Incident, Runbook, SeverityCode
from incidents.services import incident_declare, incident_event_add

from ..actions import OpsAction
from ..models import AlertGroup

ACTOR = "system:alertmanager"
SEEN_LIMIT = 500  # notifications remembered per group; Alertmanager repeats only recent ones
# Alertmanager's usual `severity` label values, beside our own P1-P4.
SEVERITY_WORDS = {
    "critical": "P1",
    "page": "P1",
    "high": "P2",
    "error": "P2",
    "major": "P2",
    "warning": "P3",
    "medium": "P3",
    "minor": "P3",
    "low": "P4",
    "info": "P4",
    "none": "P4",
}
NAME_CHARS = re.compile(r"[^A-Za-z0-9_.:-]")


def severity_of(labels: dict) -> str:
    """The `severity` label as P1-P4 (its own name or a common word), else ALERTMANAGER_DEFAULT_SEVERITY."""
    value = str(labels.get("severity", "")).strip()
    if value.upper() in SeverityCode.values:
        return value.upper()
    return SEVERITY_WORDS.get(value.lower(), settings.ALERTMANAGER_DEFAULT_SEVERITY)


def runbook_of(labels: dict, annotations: dict) -> str:
    """A runbook of the library named by the `runbook` annotation, the last part of `runbook_url`,
    or the alert's name; "" when none of them is a runbook we have."""
    candidates = [
        annotations.get("runbook", ""),
        annotations.get("runbook_url", "").rstrip("/").rsplit("/", 1)[-1],
        labels.get("alertname", ""),
    ]
    slugs = [c.strip().lower().replace("_", "-") for c in candidates if c and c.strip()]
    found = set(Runbook.objects.filter(slug__in=slugs).values_list("slug", flat=True))
    return next((slug for slug in slugs if slug in found), "")


def _name(alert: dict) -> str:
    return alert["labels"].get("alertname") or "alert"


def _key(alert: dict) -> str:
    """What makes a notification new: Alertmanager's fingerprint (or the labels), the start and the status."""
    identity = alert.get("fingerprint") or ",".join(f"{k}={v}" for k, v in sorted(alert["labels"].items()))
    return f"{identity}|{alert['startsAt']}|{alert['status']}"


def _summary(alert: dict, payload: dict) -> str:
    annotations = {**payload.get("commonAnnotations", {}), **alert.get("annotations", {})}
    return annotations.get("summary") or annotations.get("description") or ""


def _evidence(alert: dict, payload: dict) -> dict:
    return {
        "source": "alertmanager",
        "group_key": payload["groupKey"],
        "receiver": payload.get("receiver", ""),
        "status": alert["status"],
        "labels": alert["labels"],
        "annotations": alert.get("annotations", {}),
        "starts_at": alert["startsAt"],
        "ends_at": alert.get("endsAt", ""),
        "generator_url": alert.get("generatorURL", ""),
        "fingerprint": alert.get("fingerprint", ""),
    }


def _locked_group(group_key: str, receiver: str) -> AlertGroup:
    """The group's row, locked; created by the first notification (a concurrent one waits, then locks it)."""
    group = AlertGroup.objects.select_for_update().filter(group_key=group_key).first()
    if group is not None:
        return group
    try:
        with transaction.atomic():
            return AlertGroup.objects.create(group_key=group_key, receiver=receiver)
    except IntegrityError:  # created meanwhile by a concurrent notification of the same group
        return AlertGroup.objects.select_for_update().get(group_key=group_key)


def _declare(firing: list[dict], payload: dict) -> Incident:
    first = firing[0]
    labels = {**payload.get("commonLabels", {}), **first["labels"]}
    annotations = {**payload.get("commonAnnotations", {}), **first.get("annotations", {})}
    name = _name(first)
    summary = _summary(first, payload)
    incident = incident_declare(
        actor=ACTOR,
        title=(f"{name}: {summary}" if summary else f"Alert {name} firing")[:200],
        severity=severity_of(labels),
        detected_by=f"alert:{NAME_CHARS.sub('_', name)[:100]}",
        runbook=runbook_of(labels, annotations),
        symptoms=annotations.get("description", "") or summary,
        impact={"details": f"Alertmanager group {payload['groupKey']} (receiver {payload.get('receiver', '')})."},
    )
    event_record(
        actor=ACTOR,
        action=OpsAction.ALERTMANAGER_INCIDENT_DECLARED,
        subject_type="ops.alertgroup",
        subject_id=payload["groupKey"][:100],
        payload={"incident_id": incident.pk, "severity": incident.severity, "alertname": name},
    )
    return incident


def alertmanager_notify(*, payload: dict) -> dict:
    """Take one notification: declare for a new firing group, else add what is new to its incident."""
    with transaction.atomic():
        group = _locked_group(payload["groupKey"], payload.get("receiver", ""))
        seen = set(group.seen)
        new = [alert for alert in payload["alerts"] if _key(alert) not in seen]
        firing = [alert for alert in new if alert["status"] == "firing"]
        resolved = [alert for alert in new if alert["status"] == "resolved"]
        incident = Incident.objects.filter(pk=group.incident_id).first() if group.incident_id else None
        declared = False
        if firing and (incident is None or not incident.is_open):
            incident, declared = _declare(firing, payload), True
            group.incident_id = incident.pk
        events = 0
        if incident is not None:
            for alert in firing:
                summary = _summary(alert, payload)
                text = f"Alert {_name(alert)} firing" + (f": {summary}" if summary else "")
                incident_event_add(
                    actor=ACTOR, incident=incident, kind="alert", text=text, data=_evidence(alert, payload)
                )
                events += 1
            if resolved:
                names = ", ".join(sorted({_name(alert) for alert in resolved}))
                incident_event_add(
                    actor=ACTOR,
                    incident=incident,
                    kind="alert",
                    text=f"Alertmanager reports recovered: {names}. Resolving the incident stays with its commander.",
                    data={"source": "alertmanager", "resolved": [_evidence(a, payload) for a in resolved]},
                )
                events += 1
        group.seen = [*group.seen, *(_key(alert) for alert in new)][-SEEN_LIMIT:]
        group.last_seen_at = timezone.now()
        group.save()
    return {"incident_id": incident.pk if incident else None, "declared": declared, "events": events}
