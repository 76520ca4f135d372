"""The journal's audit actions: entries are added, and amended by a new version."""

from django.db import models


class JournalAction(models.TextChoices):
    ENTRY_ADDED = "journal.entry.added", "Journal entry added"
    ENTRY_AMENDED = "journal.entry.amended", "Journal entry amended (a new version)"
