from django.apps import AppConfig

from core.roles import AUDITOR, OPS

from .actions import AuditAction, AuthAction

VIEW = ("audit.view_event", "audit.view_checkpoint")
GRANTS = {AUDITOR: VIEW, OPS: VIEW}


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "Audit trail"
    audit_actions = (AuditAction, AuthAction)
    grants = GRANTS

    def ready(self) -> None:
        from django.db.backends.signals import connection_created
        from django.db.models.signals import post_migrate

        from . import checks, registry  # noqa: F401 (checks registers the system checks)
        from .triggers import ensure_all_triggers, register_sqlite_function

        registry.register_declared()
        connection_created.connect(register_sqlite_function, dispatch_uid="audit.sqlite_function")
        # SQLite rebuilds a table to alter it, dropping its triggers: re-install after every migrate.
        post_migrate.connect(ensure_all_triggers, dispatch_uid="audit.ensure_all_triggers")
