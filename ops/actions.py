"""The ops app's audit actions: the trading switch, heartbeats, alerting, probes and health reports."""

from django.db import models


class OpsAction(models.TextChoices):
    TRADING_HALTED = "ops.trading.halted", "Trading halted"
    TRADING_RESUMED = "ops.trading.resumed", "Trading resumed after approval"
    HEARTBEAT_SAVED = "ops.heartbeat.saved", "Heartbeat defined or changed"
    OUTBOX_MESSAGE_RESENT = "ops.outbox_message.resent", "A failed outbox message sent again by hand"
    HEARTBEAT_LEADER_CHANGED = "ops.heartbeat.leader_changed", "Leadership of a heartbeat's instances changed"
    ALERT_RULE_SAVED = "ops.alert_rule.saved", "Alert rule defined or changed"
    ALERT_INCIDENT_DECLARED = "ops.alert.incident_declared", "A CRITICAL probe declared an incident"
    ALERTMANAGER_INCIDENT_DECLARED = "ops.alertmanager.incident_declared", "An Alertmanager alert declared an incident"
    PROBE_RESULTS_PRUNED = "ops.probe_results.pruned", "Old probe results pruned"
    HEALTH_REPORT_CREATED = "ops.health_report.created", "Daily health report produced"
