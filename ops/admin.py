"""Admin of ops: alert rules and heartbeats are edited here (through services); the rest is read-only."""

from django.contrib import admin
from django.utils.text import Truncator

from core.admin import AppendOnlyAdmin, ReadOnlyAdmin, RoleAdmin, send_again_action
from core.models import OutboxMessage

from . import services
from .models import (
    AlertGroup,
    AlertRule,
    HealthReport,
    Heartbeat,
    LeadershipChange,
    ProbeResult,
    ProbeState,
    TradingChange,
)


@admin.register(AlertRule)
class AlertRuleAdmin(RoleAdmin):
    list_display = [
        "probe",
        "enabled",
        "critical_failures",
        "critical_window_minutes",
        "warning_latency_ms",
        "info_latency_ms",
        "severity",
        "runbook",
    ]
    list_editable = ["enabled"]

    def save_model(self, request, obj, form, change):
        services.alert_rule_save(actor=request.user, rule=obj)


@admin.register(Heartbeat)
class HeartbeatAdmin(RoleAdmin):
    list_display = ["name", "enabled", "period_seconds", "grace_seconds", "last_seen_at", "last_status", "leader"]
    readonly_fields = ["last_seen_at", "last_status", "last_instance", "leader", "created_at"]

    def save_model(self, request, obj, form, change):
        services.heartbeat_save(actor=request.user, heartbeat=obj)


@admin.register(ProbeResult)
class ProbeResultAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "probe", "status", "level", "latency_ms", "message"]
    list_filter = ["probe", "status", "level"]
    date_hierarchy = "created_at"


@admin.register(ProbeState)
class ProbeStateAdmin(ReadOnlyAdmin):
    list_display = ["probe", "status", "latency_ms", "last_run_at", "last_ok_at", "incident_id", "message"]


@admin.register(AlertGroup)
class AlertGroupAdmin(ReadOnlyAdmin):
    list_display = ["group_key", "receiver", "incident_id", "first_seen_at", "last_seen_at"]
    search_fields = ["group_key"]


@admin.register(HealthReport)
class HealthReportAdmin(ReadOnlyAdmin):
    list_display = ["date", "passed", "created_at"]


@admin.register(LeadershipChange)
class LeadershipChangeAdmin(AppendOnlyAdmin):
    list_display = ["changed_at", "heartbeat", "previous_leader", "new_leader"]
    list_select_related = ["heartbeat"]


@admin.register(TradingChange)
class TradingChangeAdmin(AppendOnlyAdmin):
    list_display = ["seq", "changed_at", "enabled", "actor", "reason", "approval_id"]


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdmin):
    """The outbox (core/outbox.py): what is waiting, what ran, and what failed for good and why."""

    list_display = ["id", "handler", "args", "status", "attempts", "created_at", "due_at", "finished_at", "error_start"]
    list_filter = ["status", "handler", "created_at"]
    search_fields = ["=id", "handler", "error"]
    readonly_fields = [f.name for f in OutboxMessage._meta.fields]
    ordering = ["-pk"]
    actions = [
        send_again_action(
            lambda actor, pk: services.outbox_message_resend(actor=actor, message_id=pk),
            "outbox message",
            "messages",
        )
    ]

    @admin.display(description="error")
    def error_start(self, obj: OutboxMessage) -> str:
        return Truncator(obj.error).chars(120)
