from django.apps import AppConfig

from core.roles import AUDITOR, OPS

from .actions import BackupsAction

VIEW = ("backups.view_backup", "backups.view_restore")
GRANTS = {OPS: (*VIEW, "backups.add_backup"), AUDITOR: VIEW}


class BackupsConfig(AppConfig):
    name = "backups"
    label = "backups"
    verbose_name = "Backups and restores"
    audit_actions = (BackupsAction,)
    grants = GRANTS

    def ready(self) -> None:
        from approvals import registry

        from . import tasks  # noqa: F401  (registered by name for on-commit dispatch)
        from .restores import DatabaseRestore

        registry.register(DatabaseRestore)
