"""DRF serializers of ops (read shapes, and the strict request bodies)."""

from rest_framework import serializers

from core.serializers import StrictSerializer

from .models import HealthReport, Heartbeat, LeadershipChange, ProbeResult, ProbeState, TradingChange


class HeartbeatPingSerializer(StrictSerializer):
    status = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    leader = serializers.BooleanField(required=False, allow_null=True, default=None)
    instance = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")

    def validate_leader(self, value):
        raw = self.initial_data.get("leader")
        if raw is not None and not isinstance(raw, bool):
            raise serializers.ValidationError("Must be true or false (a JSON boolean).")
        return value


class ReasonSerializer(StrictSerializer):
    reason = serializers.CharField(max_length=2000, trim_whitespace=True)

    def validate_reason(self, value):
        if not isinstance(self.initial_data.get("reason"), str):
            raise serializers.ValidationError("Must be text.")
        return value


class HeartbeatSerializer(serializers.ModelSerializer):
    late = serializers.SerializerMethodField()
    due_at = serializers.SerializerMethodField()

    class Meta:
        model = Heartbeat
        fields = [
            "name",
            "description",
            "period_seconds",
            "grace_seconds",
            "enabled",
            "last_seen_at",
            "last_status",
            "last_instance",
            "leader",
            "late",
            "due_at",
        ]

    def get_late(self, obj) -> bool:
        return obj.is_late()

    def get_due_at(self, obj) -> str:
        return obj.due_at().isoformat()


class LeadershipChangeSerializer(serializers.ModelSerializer):
    class Meta:
        model = LeadershipChange
        fields = ["id", "previous_leader", "new_leader", "changed_at"]


class TradingChangeSerializer(serializers.ModelSerializer):
    class Meta:
        model = TradingChange
        fields = ["id", "seq", "enabled", "reason", "actor", "changed_at", "approval_id", "hash"]


class TradingStateSerializer(serializers.Serializer):
    trading_enabled = serializers.BooleanField()
    since = serializers.DateTimeField(allow_null=True)
    reason = serializers.CharField(allow_blank=True)


class ProbeResultSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProbeResult
        fields = ["id", "probe", "status", "level", "latency_ms", "message", "details", "created_at"]


class ProbeStateSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProbeState
        fields = ["probe", "status", "latency_ms", "message", "last_run_at", "last_ok_at", "incident_id"]


class HealthReportSerializer(serializers.ModelSerializer):
    class Meta:
        model = HealthReport
        fields = ["id", "date", "passed", "checks", "text", "created_at"]


class HealthSerializer(serializers.Serializer):
    """Seed 000's `/health`."""

    status = serializers.CharField()
    positions = serializers.IntegerField()
    risk_pct = serializers.FloatField()


class ReadySerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["ready", "not_ready"])
    checks = serializers.DictField(child=serializers.CharField())


def _labels(**kwargs) -> serializers.DictField:
    """Alertmanager's labels and annotations: an object of strings."""
    return serializers.DictField(child=serializers.CharField(allow_blank=True, max_length=10_000), **kwargs)


# One alert of Alertmanager's webhook payload (version 4), every field it sends, under its own
# camelCase names.
class AlertmanagerAlertSerializer(StrictSerializer):
    status = serializers.ChoiceField(choices=["firing", "resolved"])
    labels = _labels()
    annotations = _labels(required=False, default=dict)
    startsAt = serializers.CharField(max_length=64)
    endsAt = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    generatorURL = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    fingerprint = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")


# Alertmanager's webhook payload, version 4 (prometheus.io/docs/alerting/latest/configuration/#webhook_config).
class AlertmanagerPayloadSerializer(StrictSerializer):
    version = serializers.ChoiceField(choices=["4"])
    groupKey = serializers.CharField(max_length=1000)
    truncatedAlerts = serializers.IntegerField(min_value=0, required=False, default=0)
    status = serializers.ChoiceField(choices=["firing", "resolved"])
    receiver = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    groupLabels = _labels(required=False, default=dict)
    commonLabels = _labels(required=False, default=dict)
    commonAnnotations = _labels(required=False, default=dict)
    externalURL = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    alerts = serializers.ListField(child=AlertmanagerAlertSerializer(), min_length=1, max_length=1000)


class AlertmanagerResultSerializer(serializers.Serializer):
    incident_id = serializers.IntegerField(allow_null=True)
    declared = serializers.BooleanField()
    events = serializers.IntegerField()
