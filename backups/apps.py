from django.apps import AppConfig

ACTIONS = {
    "backups.backup.started": "Backup started",
    "backups.backup.completed": "Backup files written",
    "backups.backup.failed": "Backup failed; its files removed",
    "backups.backup.verified": "Backup verified by a scratch restore",
    "backups.backup.verification_failed": "Backup failed verification (marked bad)",
    "backups.backup.removed": "Backup removed by retention",
    "backups.restore.requested": "Restore requested (awaiting four-eyes approval)",
    "backups.restore.queued": "Restore approved and queued",
    "backups.restore.step": "Restore step done",
    "backups.restore.succeeded": "Restore finished and verified",
    "backups.restore.failed": "Restore failed",
    "backups.maintenance.on": "Maintenance mode on",
    "backups.maintenance.off": "Maintenance mode off",
}


class BackupsConfig(AppConfig):
    name = "backups"
    label = "backups"
    verbose_name = "Backups and restores"

    def ready(self) -> None:
        from approvals import registry as approvals_registry
        from audit import registry
        from core import roles

        from . import restores, tasks  # noqa: F401  (tasks: registered by name for on-commit dispatch)

        registry.register(ACTIONS)
        approvals_registry.register(
            restores.ACTION,
            restores.restore_execute_approved,
            validate=restores.restore_validate,
            label="Restore the database from a backup",
            describe=restores.restore_describe,
        )
        approvals_registry.alias(restores.FORMER_ACTION, restores.ACTION)
        roles.grant(roles.OPS, "backups.view_backup", "backups.view_restore", "backups.add_backup")
        roles.grant(roles.AUDITOR, "backups.view_backup", "backups.view_restore")
