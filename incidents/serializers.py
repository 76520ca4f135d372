"""DRF serializers of incidents: shapes only; every rule lives in the services."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.serializers import StrictModelSerializer, StrictSerializer

from .models import (
    ChecklistItem,
    FollowUp,
    FollowUpStatus,
    Incident,
    Kind,
    PostMortem,
    RoleName,
    Runbook,
    RunbookVersion,
    SeverityCode,
    Status,
    TimelineEvent,
)

API_KINDS = (Kind.NOTE, Kind.ACTION, Kind.COMMS, Kind.PROBE)


class TickSerializer(StrictSerializer):
    ticked = serializers.BooleanField(default=True)


class ChecklistItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = ChecklistItem
        fields = ["position", "section", "text", "ticked_at", "ticked_by"]
        read_only_fields = fields


class IncidentSerializer(serializers.ModelSerializer):
    """Of an incident given its parts by `selectors.with_parts` (role_list, checklist_items)."""

    runbook = serializers.SerializerMethodField()
    roles = serializers.SerializerMethodField()
    recovery_time_seconds = serializers.SerializerMethodField()
    allowed_next = serializers.SerializerMethodField()
    # Declared once (not built per incident in a method): a list page serializes fifty incidents.
    checklist = ChecklistItemSerializer(many=True, read_only=True, source="checklist_items")

    class Meta:
        model = Incident
        fields = [
            "id",
            "title",
            "public_title",
            "severity",
            "status",
            "version",
            "allowed_next",
            "runbook",
            "roles",
            "detected_by",
            "impact",
            "symptoms",
            "root_cause",
            "recovery_actions",
            "recovery_time_seconds",
            "recovery_time_override",
            "recovery_time_reason",
            "data_loss",
            "data_loss_details",
            "prevention",
            "declared_by",
            "declared_at",
            "acknowledged_at",
            "mitigated_at",
            "resolved_at",
            "closed_at",
            "escalation_level",
            "journal_entry_id",
            "checklist",
        ]
        read_only_fields = fields

    def get_runbook(self, incident: Incident) -> dict | None:
        version = incident.runbook_version
        return {"slug": version.runbook.slug, "version": version.number} if version else None

    def get_roles(self, incident: Incident) -> dict[str, str]:
        return {role.role: role.user.get_username() for role in incident.role_list}

    def get_recovery_time_seconds(self, incident: Incident) -> float | None:
        value = incident.recovery_time()
        return value.total_seconds() if value is not None else None

    def get_allowed_next(self, incident: Incident) -> list[str]:
        return list(incident.allowed_next())


class ImpactSerializer(StrictSerializer):
    trading_halted = serializers.BooleanField(required=False)
    positions_affected = serializers.BooleanField(required=False)
    data_affected = serializers.BooleanField(required=False)
    details = serializers.CharField(required=False, allow_blank=True)


class IncidentCreateSerializer(StrictSerializer):
    title = serializers.CharField(max_length=200)
    public_title = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    severity = serializers.ChoiceField(choices=SeverityCode.choices)
    detected_by = serializers.CharField(required=False, allow_blank=True, default="")
    runbook = serializers.CharField(required=False, allow_blank=True, default="")
    symptoms = serializers.CharField(required=False, allow_blank=True, default="")
    impact = ImpactSerializer(required=False, allow_null=True, default=None)


class IncidentPatchSerializer(StrictSerializer):
    """Only these fields may change; `version` is the one the client read (optional, 409 when stale)."""

    version = serializers.IntegerField(required=False, min_value=1)
    title = serializers.CharField(required=False, max_length=200)
    public_title = serializers.CharField(required=False, max_length=200, allow_blank=True)
    severity = serializers.ChoiceField(choices=SeverityCode.choices, required=False)
    detected_by = serializers.CharField(required=False, allow_blank=True)
    runbook = serializers.CharField(required=False)
    impact = ImpactSerializer(required=False)
    symptoms = serializers.CharField(required=False, allow_blank=True)
    root_cause = serializers.CharField(required=False, allow_blank=True)
    recovery_actions = serializers.CharField(required=False, allow_blank=True)
    recovery_time_override = serializers.DurationField(required=False, allow_null=True)
    recovery_time_reason = serializers.CharField(required=False, allow_blank=True)
    data_loss = serializers.BooleanField(required=False)
    data_loss_details = serializers.CharField(required=False, allow_blank=True)
    prevention = serializers.CharField(required=False, allow_blank=True)


class StatusSerializer(StrictSerializer):
    status = serializers.ChoiceField(choices=Status.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)
    version = serializers.IntegerField(required=False, min_value=1)


class RoleSerializer(StrictSerializer):
    role = serializers.ChoiceField(choices=RoleName.choices)
    user = serializers.CharField(help_text="Username.", max_length=150)
    version = serializers.IntegerField(required=False, min_value=1)


class RoleAssignmentSerializer(serializers.Serializer):
    role = serializers.CharField()
    user = serializers.CharField(source="user.username")
    assigned_at = serializers.DateTimeField()


class TimelineEventSerializer(serializers.ModelSerializer):
    starred = serializers.SerializerMethodField()

    class Meta:
        model = TimelineEvent
        fields = [
            "id",
            "seq",
            "kind",
            "text",
            "author",
            "occurred_at",
            "recorded_at",
            "data",
            "prev_hash",
            "hash",
            "starred",
        ]
        read_only_fields = fields

    def get_starred(self, event: TimelineEvent) -> bool:
        star = getattr(event, "star", None)  # no EventStar row: never starred
        return bool(star and star.starred)


class TimelineCreateSerializer(StrictSerializer):
    kind = serializers.ChoiceField(choices=API_KINDS, default=Kind.NOTE)
    text = serializers.CharField(trim_whitespace=False)
    occurred_at = serializers.DateTimeField(required=False, allow_null=True, default=None)


class ActionItemSerializer(StrictSerializer):
    description = serializers.CharField()
    owner = serializers.CharField(help_text="Username of the owner.")
    due_date = serializers.DateField()


class PostMortemSerializer(StrictModelSerializer):
    action_items = ActionItemSerializer(many=True, required=False)

    class Meta:
        model = PostMortem
        fields = [
            "root_cause_analysis",
            "prevention_measures",
            "communication_review",
            "action_items",
            "updated_at",
            "updated_by",
        ]
        read_only_fields = ["updated_at", "updated_by"]
        extra_kwargs = {
            "root_cause_analysis": {"required": False, "allow_blank": True},
            "prevention_measures": {"required": False, "allow_blank": True},
            "communication_review": {"required": False, "allow_blank": True},
        }


class RunbookVersionSerializer(serializers.ModelSerializer):
    class Meta:
        model = RunbookVersion
        fields = [
            "number",
            "recognition",
            "diagnostic_steps",
            "recovery_actions",
            "verification",
            "escalate_if",
            "created_at",
            "created_by",
        ]


class RunbookSerializer(serializers.ModelSerializer):
    current = serializers.SerializerMethodField()

    class Meta:
        model = Runbook
        fields = ["slug", "title", "source", "current"]

    @extend_schema_field(RunbookVersionSerializer)
    def get_current(self, runbook: Runbook) -> dict:
        versions = getattr(runbook, "latest", None)
        version = versions[0] if versions else runbook.current
        return RunbookVersionSerializer(version).data


class StarSerializer(StrictSerializer):
    starred = serializers.BooleanField(default=True)


class FollowUpSerializer(serializers.ModelSerializer):
    owner = serializers.CharField(source="owner.username")
    overdue = serializers.BooleanField(source="is_overdue")

    class Meta:
        model = FollowUp
        fields = [
            "id",
            "incident",
            "description",
            "owner",
            "due_on",
            "status",
            "overdue",
            "created_by",
            "created_at",
            "closed_at",
        ]
        read_only_fields = fields


class FollowUpCreateSerializer(StrictSerializer):
    description = serializers.CharField(max_length=500)
    owner = serializers.CharField(help_text="Username of the owner.", max_length=150)
    due_on = serializers.DateField()


class FollowUpStatusSerializer(StrictSerializer):
    status = serializers.ChoiceField(choices=FollowUpStatus.choices)


class MetricsRowSerializer(serializers.Serializer):
    severity = serializers.ChoiceField(choices=SeverityCode.choices)
    declared = serializers.IntegerField()
    acknowledged = serializers.IntegerField()
    resolved = serializers.IntegerField()
    mtta_minutes = serializers.FloatField(allow_null=True, help_text="Mean time to acknowledge.")
    mttr_minutes = serializers.FloatField(allow_null=True, help_text="Mean time to resolve (from declaring).")
    resolved_within_target = serializers.IntegerField(help_text="Resolved within the severity's response target.")
    share_resolved_within_target = serializers.FloatField(allow_null=True, help_text="0..1; null when none resolved.")


class MetricsPeriodSerializer(MetricsRowSerializer):
    period_start = serializers.DateField()


class MetricsSerializer(serializers.Serializer):
    since = serializers.DateTimeField()
    until = serializers.DateTimeField()
    period = serializers.ChoiceField(choices=["week", "month"])
    severities = MetricsRowSerializer(many=True)
    periods = MetricsPeriodSerializer(many=True)
