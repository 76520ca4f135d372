"""Configuration written from the admin: alert rules and heartbeats, audited like any other change."""

from django.db import transaction
from django.forms.models import model_to_dict

from audit.services import event_record

from ..actions import OpsAction
from ..models import AlertRule, Heartbeat

RULE_FIELDS = (
    "probe",
    "enabled",
    "critical_failures",
    "critical_window_minutes",
    "warning_latency_ms",
    "info_latency_ms",
    "severity",
    "runbook",
)
HEARTBEAT_FIELDS = ("name", "description", "period_seconds", "grace_seconds", "enabled")


def alert_rule_save(*, actor, rule: AlertRule) -> AlertRule:
    """Save a new or edited rule (the admin form has validated it) with an audit event."""
    with transaction.atomic():
        created = rule._state.adding
        rule.save()
        event_record(
            actor=actor,
            action=OpsAction.ALERT_RULE_SAVED,
            subject_type="ops.alert_rule",
            subject_id=rule.pk,
            payload={"created": created, **model_to_dict(rule, fields=RULE_FIELDS)},
        )
    return rule


def heartbeat_save(*, actor, heartbeat: Heartbeat) -> Heartbeat:
    with transaction.atomic():
        created = heartbeat._state.adding
        heartbeat.save()
        event_record(
            actor=actor,
            action=OpsAction.HEARTBEAT_SAVED,
            subject_type="ops.heartbeat",
            subject_id=heartbeat.name,
            payload={"created": created, **model_to_dict(heartbeat, fields=HEARTBEAT_FIELDS)},
        )
    return heartbeat
