from django.apps import AppConfig

from core.roles import APPROVER, AUDITOR, INCIDENT_COMMANDER, OPS, PM

from .actions import DeskAction

VIEW = ("desk.view_holiday", "desk.view_signoff")
GRANTS = {
    OPS: (*VIEW, "desk.add_holiday", "desk.change_holiday"),
    **dict.fromkeys((PM, APPROVER, INCIDENT_COMMANDER, AUDITOR), VIEW),
}


class DeskConfig(AppConfig):
    name = "desk"
    verbose_name = "Trading day"
    audit_actions = (DeskAction,)
    grants = GRANTS
