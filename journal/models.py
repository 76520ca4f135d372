"""Journal entries: append-only, hash-chained; an amendment is a new entry that supersedes."""

from django.conf import settings
from django.db import connection, models
from django.db.models import Exists, OuterRef, Q

from audit.models import AppendOnlyQuerySet, ChainedModel

# The tag on entries the software writes for a person (a correction, a price, an incident
# record): tags are hashed, so the mark cannot be added or removed unseen.
SYSTEM_TAG = "system"


class EntryType(models.TextChoices):
    DECISION = "decision", "Decision"
    CORRECTION = "correction", "Correction"
    INCIDENT = "incident", "Incident"
    MTM = "mtm", "Mark-to-market"
    RISK = "risk", "Risk"
    RECOVERY = "recovery", "Recovery"
    NOTE = "note", "Note"


class JournalEntryQuerySet(AppendOnlyQuerySet):
    def latest_versions(self) -> "JournalEntryQuerySet":
        """Entries nobody has amended: what lists show (older versions are one click away)."""
        newer = JournalEntry.objects.filter(supersedes=OuterRef("pk"))
        return self.filter(~Exists(newer))

    def of_type(self, entry_type: str) -> "JournalEntryQuerySet":
        return self.filter(entry_type=entry_type)

    def by_author(self, username: str) -> "JournalEntryQuerySet":
        return self.filter(author__username=username)

    def tagged(self, tag: str) -> "JournalEntryQuerySet":
        if connection.vendor == "postgresql":
            return self.filter(tags__contains=[tag])
        # SQLite has no JSON containment; tags are normalized to [a-z0-9_.:/-], so the
        # quoted element cannot occur anywhere else in the stored JSON text.
        return self.filter(tags__icontains=f'"{tag}"')

    def linked_to(self, kind: str, object_id: str) -> "JournalEntryQuerySet":
        rows = JournalLink.objects.filter(kind=kind, object_id=str(object_id), entry=OuterRef("pk"))
        return self.filter(Exists(rows))

    def between(self, since=None, until=None) -> "JournalEntryQuerySet":
        query = Q()
        if since is not None:
            query &= Q(occurred_at__gte=since)
        if until is not None:
            query &= Q(occurred_at__lte=until)
        return self.filter(query)


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

    objects = JournalEntryQuerySet.as_manager()
    link_kind = "entry"  # an entry may link to another as ("entry", id)

    class Meta(ChainedModel.Meta):
        verbose_name_plural = "journal entries"
        constraints = [
            *ChainedModel.Meta.constraints,
            # An entry is amended once; a later amendment supersedes the newest version.
            models.UniqueConstraint(fields=["supersedes"], name="journal_entry_amended_once"),
        ]
        indexes = [
            models.Index(fields=["entry_type", "id"], name="journal_entry_type_id"),
            models.Index(fields=["author", "id"], name="journal_entry_author_id"),
            models.Index(fields=["occurred_at", "id"], name="journal_entry_occurred_id"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.entry_type}: {self.content[:60]}"

    @property
    def amended(self) -> bool:
        """True for a version that replaces an earlier one."""
        return self.supersedes_id is not None

    @property
    def is_system(self) -> bool:
        """Written by the software when something executed: the record of it is never amended."""
        return SYSTEM_TAG in (self.tags or [])

    def amend_refusal(self, user) -> str:
        """Why `user` may not amend this entry, or "" when they may (the page and the service ask here)."""
        answer = f"answer it with a new entry linked to it (related_entry_id {self.pk})"
        if self.is_system:
            return f"Entry {self.pk} was written by the system and is never amended: {answer}."
        if self.author_id != getattr(user, "pk", None):
            return f"Only its author, {self.author.get_username()}, can amend entry {self.pk}: {answer}."
        return ""


class JournalLink(ChainedModel):
    """Index of an entry's links, for "entries about position 17" (the hashed copy is on the entry)."""

    HASH_FIELDS = ("entry", "kind", "object_id")
    DEFAULT_CHAIN = "journal-links"

    entry = models.ForeignKey(JournalEntry, on_delete=models.PROTECT, related_name="link_rows")
    kind = models.CharField(max_length=30)
    object_id = models.CharField(max_length=64)

    class Meta(ChainedModel.Meta):
        indexes = [models.Index(fields=["kind", "object_id", "entry"], name="journal_link_kind_object_entry")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.object_id}"
