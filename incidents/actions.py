"""The incidents app's audit actions: an incident's life, its timeline, runbooks and configuration."""

from django.db import models


class IncidentsAction(models.TextChoices):
    INCIDENT_DECLARED = "incidents.incident.declared", "Incident declared"
    INCIDENT_UPDATED = "incidents.incident.updated", "Incident record fields changed (before/after)"
    INCIDENT_STATUS_CHANGED = "incidents.incident.status_changed", "Incident status changed"
    INCIDENT_ESCALATED = "incidents.incident.escalated", "Unacknowledged incident escalated one level"
    INCIDENT_REMINDED = "incidents.incident.reminded", "P1 commander reminded of the status-update cadence"
    ROLE_ASSIGNED = "incidents.role.assigned", "Incident role assigned"
    EVENT_ADDED = "incidents.event.added", "Incident timeline event added"
    CHECKLIST_TICKED = "incidents.checklist.ticked", "Runbook checklist step ticked"
    CHECKLIST_UNTICKED = "incidents.checklist.unticked", "Runbook checklist step unticked"
    EVENT_STARRED = "incidents.event.starred", "Timeline event starred as a key moment"
    EVENT_UNSTARRED = "incidents.event.unstarred", "Timeline event unstarred"
    FOLLOW_UP_CREATED = "incidents.follow_up.created", "Follow-up action created"
    FOLLOW_UP_STATUS_CHANGED = "incidents.follow_up.status_changed", "Follow-up action done or dropped"
    FOLLOW_UP_REMINDED = "incidents.follow_up.reminded", "Owner of an overdue follow-up reminded"
    POSTMORTEM_SAVED = "incidents.postmortem.saved", "Post-mortem saved"
    RUNBOOK_REVISED = "incidents.runbook.revised", "Runbook revised (new version)"
    CONFIG_CHANGED = "incidents.config.changed", "Severity target, on-call rota or escalation contact changed"
