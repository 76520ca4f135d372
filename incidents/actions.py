"""The incidents app's audit actions: an incident's life, its timeline, runbooks and configuration."""

from django.db import models


class IncidentsAction(models.TextChoices):
    INCIDENT_DECLARED = "incidents.incident.declared", "Incident declared"
    INCIDENT_UPDATED = "incidents.incident.updated", "Incident record fields changed (before/after)"
    INCIDENT_STATUS_CHANGED = "incidents.incident.status_changed", "Incident status changed"
    INCIDENT_ESCALATED = (
        "incidents.incident.escalated",
        "Incident escalated one level (unacknowledged, or unresolved past the window)",
    )
    INCIDENT_REMINDED = "incidents.incident.reminded", "P1 commander reminded of the status-update cadence"
    INCIDENT_PAGED = "incidents.incident.paged", "On-call paged (or notified) at declaration"
    DELIVERY_FAILED = "incidents.delivery.failed", "A page, escalation or message could not be delivered"
    DELIVERY_RESENT = "incidents.delivery.resent", "A failed page, escalation or message sent again by hand"
    STATUS_UPDATE_POSTED = "incidents.status_update.posted", "Stakeholder status update posted"
    STATUS_UPDATE_NUDGED = "incidents.status_update.nudged", "Communications lead nudged for a status update"
    PAGE_LINK_USED = "incidents.page.link_used", "A page's acknowledge link was used"
    SUBSCRIBER_SAVED = "incidents.subscriber.saved", "Incident subscriber added or changed"
    SUBSCRIBER_REMOVED = "incidents.subscriber.removed", "Incident subscriber removed"
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
