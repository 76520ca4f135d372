"""Reconciliation's audit actions: what is recorded of every statement, run and break."""

from django.db import models


class ReconAction(models.TextChoices):
    STATEMENT_RECONCILED = "recon.statement.reconciled", "Broker statement reconciled"
    BREAK_EXPLAINED = "recon.break.explained", "Break explanation proposed"
    BREAK_RESOLVED = "recon.break.resolved", "Break resolved"
    BREAK_ESCALATED = "recon.break.escalated", "Break past its age limit: incident declared"
