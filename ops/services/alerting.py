"""From a CRITICAL probe to an incident, and from a recovery to a `probe` event on its timeline.

People resolve incidents, never the machine: a recovered probe only says so. While an
incident a probe declared is open, the probe declares no second one.
"""

import logging

from django.db import transaction

from audit.services import event_record
from core.errors import Invalid
from incidents.models import Incident
from incidents.services import incident_declare, incident_event_add

from ..actions import OpsAction
from ..catalog import PROBES
from ..models import AlertRule, ProbeResult, ProbeState
from ..selectors import trading_state

log = logging.getLogger(__name__)
ACTOR = "system:probes"


def rule_for(name: str) -> AlertRule:
    """The stored rule, or the seed-000 default for the probe (unsaved) when none is stored."""
    rule = AlertRule.objects.filter(probe=name).first()
    if rule is None:
        probe = PROBES.get(name)  # None for a name no longer catalogued (a stale beat entry)
        severity, runbook = (probe.severity, probe.runbook) if probe else ("P3", "")
        rule = AlertRule(probe=name, severity=severity, runbook=runbook)
    return rule


def _evidence(result: ProbeResult) -> dict:
    return {
        "probe": result.probe,
        "result_id": result.pk,
        "status": result.status,
        "latency_ms": result.latency_ms,
        "message": result.message,
        "details": result.details,
        "at": result.created_at.isoformat(),
    }


def _open_incident_for(name: str):
    return Incident.objects.open().filter(detected_by=f"probe:{name}").order_by("-pk").first()


def on_critical(state: ProbeState, rule: AlertRule, result: ProbeResult) -> None:
    """Declare (or re-attach to the open incident) without ever losing the probe result itself."""
    try:
        with transaction.atomic():
            _raise_alert(state, rule, result)
    except Exception:  # the result stays recorded; the next CRITICAL run tries again
        log.exception("probe %s: declaring an incident failed", result.probe)


def _raise_alert(state: ProbeState, rule: AlertRule, result: ProbeResult) -> None:
    incident = _open_incident_for(result.probe)
    if incident is not None:
        if state.incident_id != incident.pk:
            state.incident_id = incident.pk
            incident_event_add(
                actor=ACTOR,
                incident=incident,
                kind="probe",
                text=f"{result.probe} failing again: {result.message}",
                data=_evidence(result),
            )
        return
    incident = _declare(rule, result)
    incident_event_add(
        actor=ACTOR,
        incident=incident,
        kind="probe",
        text=f"{result.probe} CRITICAL: {result.message}",
        data=_evidence(result),
    )
    state.incident_id = incident.pk
    event_record(
        actor=ACTOR,
        action=OpsAction.ALERT_INCIDENT_DECLARED,
        subject_type="ops.probe",
        subject_id=result.probe,
        payload={"incident_id": incident.pk, "severity": rule.severity, "result_id": result.pk},
    )


def _impact(name: str) -> dict:
    probe = PROBES.get(name)
    return {
        "trading_halted": not trading_state()["trading_enabled"],
        "data_affected": bool(probe and probe.data),
        "positions_affected": bool(probe and probe.positions),
        "details": f"Detected by the {name} probe.",
    }


def _declare(rule: AlertRule, result: ProbeResult):
    arguments = {
        "actor": ACTOR,
        "title": f"Probe {result.probe} failing: {result.message}"[:200],
        "severity": rule.severity,
        "detected_by": f"probe:{result.probe}",
        "symptoms": f"{rule.critical_failures}+ failures of the {result.probe} probe within "
        f"{rule.critical_window_minutes} min. Latest: {result.message}",
        "impact": _impact(result.probe),
    }
    try:
        with transaction.atomic():
            return incident_declare(runbook=rule.runbook, **arguments)
    except Invalid:  # an unknown runbook slug must not stop the alert
        log.warning("probe %s: runbook %r unknown; declaring without it", result.probe, rule.runbook)
        return incident_declare(runbook="", **arguments)


def on_recovery(state: ProbeState, result: ProbeResult) -> None:
    incident = Incident.objects.open().filter(pk=state.incident_id).first()
    state.incident_id = None
    if incident is None:
        return
    try:
        with transaction.atomic():
            incident_event_add(
                actor=ACTOR,
                incident=incident,
                kind="probe",
                text=f"{result.probe} recovered: {result.status} ({result.latency_ms:.0f} ms) {result.message}",
                data=_evidence(result),
            )
    except Exception:
        log.exception("probe %s: recording the recovery failed", result.probe)
