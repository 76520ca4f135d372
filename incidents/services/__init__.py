"""The incidents' write path: every change is one of these keyword-only, atomic, audited functions."""

from .communications import page_link_use, status_update_post, subscriber_remove, subscriber_save
from .config import config_save
from .escalation import incident_cadence_remind, incident_escalate, incident_status_update_nudge
from .followups import follow_up_create, follow_up_remind, follow_up_status_change
from .lifecycle import (
    incident_declare,
    incident_event_add,
    incident_role_assign,
    incident_status_change,
    incident_update,
)
from .postmortems import postmortem_save
from .runbooks import checklist_item_tick, runbook_revise
from .stars import event_star

__all__ = [
    "checklist_item_tick",
    "config_save",
    "event_star",
    "follow_up_create",
    "follow_up_remind",
    "follow_up_status_change",
    "incident_cadence_remind",
    "incident_declare",
    "incident_escalate",
    "incident_event_add",
    "incident_role_assign",
    "incident_status_change",
    "incident_status_update_nudge",
    "incident_update",
    "page_link_use",
    "postmortem_save",
    "runbook_revise",
    "status_update_post",
    "subscriber_remove",
    "subscriber_save",
]
