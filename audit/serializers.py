"""Serializers of the audit API: events, their proof data, chain reports."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .models import Event
from .selectors import EXPORT_FIELDS


class EventSerializer(serializers.ModelSerializer):
    class Meta:
        model = Event
        fields = EXPORT_FIELDS
        read_only_fields = fields


class EventProofSerializer(EventSerializer):
    """The event plus what a client needs to recompute its hash without trusting the server."""

    canonical = serializers.SerializerMethodField(
        help_text="The exact UTF-8 text hashed: hash = sha256(prev_hash as ASCII + canonical as UTF-8)."
    )
    canonical_content = serializers.SerializerMethodField(help_text="`canonical` parsed, for reading.")
    computed_hash = serializers.SerializerMethodField(help_text="The hash the server recomputes from the row now.")
    verified = serializers.SerializerMethodField(help_text="computed_hash == hash.")
    algorithm = serializers.SerializerMethodField()

    class Meta(EventSerializer.Meta):
        fields = (
            *EventSerializer.Meta.fields,
            "canonical",
            "canonical_content",
            "computed_hash",
            "verified",
            "algorithm",
        )
        read_only_fields = fields

    def get_canonical(self, obj: Event) -> str:
        return obj.canonical_bytes().decode()

    @extend_schema_field(serializers.DictField())
    def get_canonical_content(self, obj: Event) -> dict:
        return obj.canonical_content()

    def get_computed_hash(self, obj: Event) -> str:
        return obj.compute_hash()

    def get_verified(self, obj: Event) -> bool:
        return obj.compute_hash() == obj.hash

    def get_algorithm(self, obj: Event) -> str:
        return "sha256(prev_hash.encode('ascii') + canonical.encode('utf-8')).hexdigest()"


class BrokenLinkSerializer(serializers.Serializer):
    table = serializers.CharField()
    chain = serializers.CharField()
    seq = serializers.IntegerField()
    id = serializers.IntegerField(allow_null=True)
    field = serializers.CharField(help_text="seq, prev_hash or hash.")
    expected = serializers.CharField()
    found = serializers.CharField()


class ChainReportSerializer(serializers.Serializer):
    table = serializers.CharField()
    chain = serializers.CharField()
    rows = serializers.IntegerField(help_text="Rows verified.")
    head_seq = serializers.IntegerField(help_text="Seq of the last row that verified.")
    head_hash = serializers.CharField(help_text="Hash of the last row that verified.")
    ok = serializers.BooleanField()
    broken = BrokenLinkSerializer(allow_null=True, help_text="The first broken link, or null.")


class VerificationSerializer(serializers.Serializer):
    ok = serializers.BooleanField(help_text="Every chain verified.")
    verified_at = serializers.DateTimeField()
    chains = ChainReportSerializer(many=True)
