"""Shapes of reconciliation's REST API: requests (strict; the services validate) and responses."""

from rest_framework import serializers

from core.serializers import StrictSerializer

from .models import Break, BreakEvent, Run


class RunSerializer(serializers.ModelSerializer):
    statement_sha256 = serializers.CharField(source="statement.sha256")
    source = serializers.CharField(source="statement.source")
    filename = serializers.CharField(source="statement.filename")
    lines = serializers.SerializerMethodField()

    class Meta:
        model = Run
        fields = [
            "id",
            "statement",
            "statement_sha256",
            "source",
            "filename",
            "lines",
            "as_of",
            "ran_at",
            "ran_by",
            "tolerances",
            "compared",
            "matched",
            "breaks_found",
        ]

    def get_lines(self, run: Run) -> int:
        return len(run.statement.lines)


class BreakEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = BreakEvent
        fields = ["kind", "at", "actor", "detail"]


class BreakSerializer(serializers.ModelSerializer):
    age_seconds = serializers.SerializerMethodField()
    run_as_of = serializers.DateTimeField(source="run.as_of")

    class Meta:
        model = Break
        fields = [
            "id",
            "run",
            "run_as_of",
            "instrument",
            "kind",
            "status",
            "owner",
            "opened_at",
            "age_seconds",
            "book",
            "broker",
            "resolution",
            "resolved_at",
            "approval_id",
            "incident_id",
        ]

    def get_age_seconds(self, brk: Break) -> int:
        return int(brk.age.total_seconds())


class BreakDetailSerializer(BreakSerializer):
    events = BreakEventSerializer(many=True, read_only=True)

    class Meta(BreakSerializer.Meta):
        fields = [*BreakSerializer.Meta.fields, "events"]


class ExplanationIn(StrictSerializer):
    explanation = serializers.CharField(max_length=4000, help_text="Why the difference needs no correction.")
