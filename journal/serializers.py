"""DRF serializers of the journal: the seed-004 request body and the entry as returned."""

from django.core.validators import RegexValidator
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.serializers import StrictSerializer

from . import search, selectors
from .models import EntryType
from .rendering import markdown_html
from .selectors import LINK_FILTERS
from .services import MAX_CONTENT, MAX_TAGS

# The service's rule (journal.services.CONTROL), stated where the schema can show it.
NO_CONTROL = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"


class LinkSerializer(StrictSerializer):
    kind = serializers.CharField(max_length=30)
    id = serializers.CharField(max_length=64)


class EntryInputSerializer(StrictSerializer):
    """Seed 004's body; the service does the business validation (types, links, amendments)."""

    entry_type = serializers.ChoiceField(choices=EntryType.choices)
    content = serializers.CharField(
        trim_whitespace=False,
        max_length=MAX_CONTENT * 2,
        validators=[RegexValidator(NO_CONTROL, "Remove control characters (only tabs and line breaks are allowed).")],
    )
    occurred_at = serializers.DateTimeField(required=False, allow_null=True)
    tags = serializers.ListField(child=serializers.CharField(max_length=50), required=False, max_length=MAX_TAGS)
    related_position_id = serializers.CharField(max_length=64, required=False, allow_null=True)
    related_incident_id = serializers.CharField(max_length=64, required=False, allow_null=True)
    related_approval_id = serializers.CharField(max_length=64, required=False, allow_null=True)
    related_entry_id = serializers.CharField(max_length=64, required=False, allow_null=True)
    links = LinkSerializer(many=True, required=False, help_text="More links, any registered kind.")
    supersedes = serializers.IntegerField(
        min_value=1,
        required=False,
        allow_null=True,
        help_text="Id of the entry this one amends: only its author may (403 otherwise), and an entry the "
        "system wrote is never amended (409): answer it with a new entry linked to it (related_entry_id).",
    )

    def service_kwargs(self) -> dict:
        """Keyword arguments for `journal_entry_add` (after is_valid)."""
        data = self.validated_data
        links = [(kind, data.get(field)) for kind, field in (*LINK_FILTERS.items(), ("entry", "related_entry_id"))]
        links = [(kind, value) for kind, value in links if value not in (None, "")]
        links += [(link["kind"], link["id"]) for link in data.get("links", [])]
        return {
            "entry_type": data["entry_type"],
            "content": data["content"],
            "occurred_at": data.get("occurred_at"),
            "tags": data.get("tags", []),
            "links": links,
            "supersedes": data.get("supersedes"),
        }


class EntrySerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    entry_type = serializers.CharField()
    content = serializers.CharField()
    author = serializers.CharField(source="author.get_username")
    occurred_at = serializers.DateTimeField()
    recorded_at = serializers.DateTimeField()
    tags = serializers.ListField(child=serializers.CharField())
    links = LinkSerializer(many=True)
    related_position_id = serializers.SerializerMethodField()
    related_incident_id = serializers.SerializerMethodField()
    related_approval_id = serializers.SerializerMethodField()
    supersedes = serializers.IntegerField(source="supersedes_id", allow_null=True)
    amended = serializers.BooleanField(help_text="True when this version replaces an earlier one.")
    system = serializers.BooleanField(
        source="is_system",
        help_text="Written by the system when something executed (a correction, a price, an incident record): "
        "never amended; answer it with a new entry linked to it (related_entry_id).",
    )
    seq = serializers.IntegerField()
    prev_hash = serializers.CharField()
    hash = serializers.CharField()

    def _first(self, entry, kind: str) -> str | None:
        return next((link["id"] for link in entry.links if link["kind"] == kind), None)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_related_position_id(self, entry) -> str | None:
        return self._first(entry, "position")

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_related_incident_id(self, entry) -> str | None:
        return self._first(entry, "incident")

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_related_approval_id(self, entry) -> str | None:
        return self._first(entry, "approval")


class SearchHitSerializer(EntrySerializer):
    """A list row: with `q`, its relevance and an HTML snippet with the matches in <mark> (else both null)."""

    rank = serializers.FloatField(allow_null=True, required=False, default=None)
    snippet = serializers.SerializerMethodField()

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_snippet(self, entry) -> str | None:
        q = self.context.get("q")
        return search.snippet_html(entry, q) if q else None


class EntryDetailSerializer(EntrySerializer):
    content_html = serializers.SerializerMethodField()
    superseded_by = serializers.SerializerMethodField()
    verified = serializers.SerializerMethodField()
    versions = serializers.SerializerMethodField()

    @extend_schema_field(serializers.CharField())
    def get_content_html(self, entry) -> str:
        return markdown_html(entry.content)

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_superseded_by(self, entry) -> int | None:
        return selectors.superseded_by_id(entry)

    @extend_schema_field(serializers.BooleanField())
    def get_verified(self, entry) -> bool:
        return selectors.hash_verified(entry)

    @extend_schema_field(EntrySerializer(many=True))
    def get_versions(self, entry) -> list[dict]:
        return EntrySerializer(selectors.versions(entry), many=True).data
