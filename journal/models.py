"""Journal entries: append-only, hash-chained; an amendment is a new entry that supersedes."""

from django.conf import settings
from django.db import models

from audit.models import AppendOnlyModel, ChainedModel


class EntryType(models.TextChoices):
    DECISION = "decision", "Decision"
    CORRECTION = "correction", "Correction"
    INCIDENT = "incident", "Incident"
    MTM = "mtm", "Mark-to-market"
    RISK = "risk", "Risk"
    RECOVERY = "recovery", "Recovery"
    NOTE = "note", "Note"


class JournalEntry(ChainedModel):
    HASH_FIELDS = (
        "entry_type",
        "content",
        "author",
        "occurred_at",
        "recorded_at",
        "tags",
        "links",
        "supersedes",
    )
    DEFAULT_CHAIN = "journal"

    entry_type = models.CharField(max_length=20, choices=EntryType.choices)
    content = models.TextField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="journal_entries",
    )
    occurred_at = models.DateTimeField()
    recorded_at = models.DateTimeField(db_index=True)
    tags = models.JSONField(default=list, blank=True)
    links = models.JSONField(default=list, blank=True, help_text='[{"kind": "position", "id": "17"}, …]')
    supersedes = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="superseded_by",
    )

    class Meta(ChainedModel.Meta):
        verbose_name_plural = "journal entries"
        constraints = [
            *ChainedModel.Meta.constraints,
            # An entry is amended once; a later amendment supersedes the newest version.
            models.UniqueConstraint(fields=["supersedes"], name="journal_entry_amended_once"),
        ]
        indexes = [models.Index(fields=["entry_type", "id"], name="journal_entry_type_id")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.entry_type}: {self.content[:60]}"


class JournalLink(AppendOnlyModel):
    """Index of an entry's links, for "entries about position 17" (the hashed copy is on the entry)."""

    entry = models.ForeignKey(JournalEntry, on_delete=models.PROTECT, related_name="link_rows")
    kind = models.CharField(max_length=30)
    object_id = models.CharField(max_length=64)

    class Meta:
        indexes = [models.Index(fields=["kind", "object_id"], name="journal_link_kind_object")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.object_id}"
