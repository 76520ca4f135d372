"""The trading day: the holiday calendar, and each checklist item's sign-off by a named person (append-only)."""

from django.db import models

from audit.models import ChainedModel


class Holiday(models.Model):
    """A weekday the market is closed: no checklist is due. Kept by Ops in the admin."""

    date = models.DateField(unique=True)
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.name}"


class SignOff(ChainedModel):
    """One item of one day's checklist, signed off by a named person; never changed."""

    HASH_FIELDS = ("day", "checklist", "item", "text", "signed_by", "signed_at", "note")
    DEFAULT_CHAIN = "desk"

    day = models.DateField()
    checklist = models.CharField(max_length=20)
    item = models.PositiveSmallIntegerField(help_text="1-based position of the item in its checklist.")
    text = models.CharField(max_length=300, help_text="The item as it read when signed.")
    signed_by = models.CharField(max_length=150)
    signed_at = models.DateTimeField()
    note = models.CharField(max_length=500, blank=True)

    class Meta(ChainedModel.Meta):
        constraints = [
            *ChainedModel.Meta.constraints,
            models.UniqueConstraint(fields=["day", "checklist", "item"], name="desk_signoff_once"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.checklist} #{self.item} by {self.signed_by}"
