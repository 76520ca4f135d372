"""Broker reconciliation: statements as received, runs against the book, and the breaks they found.

A statement and a run are append-only, hash-chained rows: what the broker said and what the
book was compared with can never be rewritten. A break keeps its current status (open or
resolved); every change of it appends a chained `BreakEvent` (found, explained, escalated,
resolved), so its history is the events, never an edit.
"""

from django.db import models
from django.utils import timezone

from audit.models import ChainedModel


class Source(models.TextChoices):
    UPLOAD = "upload", "Uploaded in the browser"
    API = "api", "Posted to the API"
    WATCHED = "watched", "Dropped into the watched directory"


class Statement(ChainedModel):
    """A broker statement as it was accepted: every line, its digest, the moment it speaks for."""

    HASH_FIELDS = ("received_at", "received_by", "source", "filename", "sha256", "as_of", "lines")
    DEFAULT_CHAIN = "recon"

    received_at = models.DateTimeField()
    received_by = models.CharField(max_length=150)
    source = models.CharField(max_length=10, choices=Source.choices)
    filename = models.CharField(max_length=255, blank=True)
    sha256 = models.CharField(max_length=64, help_text="Digest of the file as received.")
    as_of = models.DateTimeField(help_text="The moment the broker's positions describe.")
    lines = models.JSONField(
        default=list, help_text='[[line, "GOLD_MINI", "LONG", "2", "71000"], …]: line, instrument, side, qty, price.'
    )

    def __str__(self) -> str:
        return f"Statement #{self.pk} as of {self.as_of:%Y-%m-%d %H:%M}"


class Run(ChainedModel):
    """One comparison of a statement with the book as of the statement's time, with its tolerances and counts."""

    HASH_FIELDS = ("statement", "ran_at", "ran_by", "as_of", "tolerances", "compared", "matched", "breaks_found")
    DEFAULT_CHAIN = "recon"

    statement = models.ForeignKey(Statement, on_delete=models.PROTECT, related_name="runs")
    ran_at = models.DateTimeField(db_index=True)
    ran_by = models.CharField(max_length=150)
    as_of = models.DateTimeField()
    tolerances = models.JSONField(default=dict)
    compared = models.PositiveIntegerField(default=0, help_text="Instruments held by the book or the broker.")
    matched = models.PositiveIntegerField(default=0)
    breaks_found = models.PositiveIntegerField(default=0)

    link_kind = "recon_run"

    class Meta(ChainedModel.Meta):
        verbose_name = "reconciliation run"

    def __str__(self) -> str:
        return f"Reconciliation #{self.pk} as of {self.as_of:%Y-%m-%d %H:%M}"


class BreakKind(models.TextChoices):
    MISSING_IN_BOOK = "missing_in_book", "Missing in the book"
    MISSING_AT_BROKER = "missing_at_broker", "Missing at the broker"
    QUANTITY = "quantity", "Quantity differs"
    PRICE = "price", "Average price differs"
    DIRECTION = "direction", "Direction differs"


class BreakStatus(models.TextChoices):
    OPEN = "open", "Open"
    RESOLVED = "resolved", "Resolved"


class Resolution(models.TextChoices):
    CORRECTION = "correction", "By an approved correction"
    EXPLANATION = "explanation", "By an accepted explanation"


class BreakQuerySet(models.QuerySet):
    def unresolved(self):
        return self.filter(status=BreakStatus.OPEN)

    def older_than(self, moment):
        return self.filter(opened_at__lte=moment)


class Break(models.Model):
    """One difference beyond tolerance; its facts are fixed when found, its status moves by services."""

    run = models.ForeignKey(Run, on_delete=models.PROTECT, related_name="breaks")
    instrument = models.CharField(max_length=40)
    kind = models.CharField(max_length=20, choices=BreakKind.choices)
    book = models.JSONField(default=dict, help_text="The book's side: direction, quantity, average_price, positions.")
    broker = models.JSONField(default=dict, help_text="The statement's side: line, direction, quantity, price.")
    owner = models.CharField(max_length=150, help_text="Who must resolve it: who brought the statement.")
    opened_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=10, choices=BreakStatus.choices, default=BreakStatus.OPEN)
    resolution = models.CharField(max_length=12, choices=Resolution.choices, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    approval_id = models.BigIntegerField(null=True, blank=True, help_text="The approval that resolved it.")
    incident_id = models.BigIntegerField(null=True, blank=True, help_text="Declared when it outlived its age limit.")

    objects = BreakQuerySet.as_manager()
    link_kind = "recon_break"  # journal entries link to a break as ("recon_break", id)

    class Meta:
        indexes = [models.Index(fields=["status", "opened_at"], name="recon_break_status_opened")]

    def __str__(self) -> str:
        return f"Break #{self.pk} {self.kind} {self.instrument}"

    @property
    def age(self):
        return (self.resolved_at or timezone.now()) - self.opened_at

    def correctable_position(self) -> int | None:
        """The one open book position a correction can fix, when the book holds exactly one and the broker some."""
        positions = self.book.get("positions") or []
        fixable = self.kind in (BreakKind.QUANTITY, BreakKind.PRICE, BreakKind.DIRECTION)
        return positions[0] if fixable and len(positions) == 1 else None


class EventKind(models.TextChoices):
    FOUND = "found", "Found"
    EXPLAINED = "explained", "Explanation proposed"
    ESCALATED = "escalated", "Incident declared"
    RESOLVED = "resolved", "Resolved"


class BreakEvent(ChainedModel):
    """A break's history: appended, never changed."""

    HASH_FIELDS = ("brk", "kind", "at", "actor", "detail")
    DEFAULT_CHAIN = "recon_breaks"

    brk = models.ForeignKey(Break, on_delete=models.PROTECT, related_name="events", verbose_name="break")
    kind = models.CharField(max_length=10, choices=EventKind.choices)
    at = models.DateTimeField()
    actor = models.CharField(max_length=150)
    detail = models.JSONField(default=dict)

    class Meta(ChainedModel.Meta):
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} of break #{self.brk_id}"
