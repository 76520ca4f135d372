"""The trading day's audit actions."""

from django.db import models


class DeskAction(models.TextChoices):
    ITEM_SIGNED = "desk.item.signed", "Checklist item signed off"
    HOLIDAY_SAVED = "desk.holiday.saved", "Market holiday saved"
