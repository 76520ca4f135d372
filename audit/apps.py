from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "Audit trail"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created
        from django.db.models.signals import post_migrate

        from core import roles

        from . import checks  # noqa: F401 (registers the system checks)
        from .triggers import ensure_all_triggers, register_sqlite_function

        for role in (roles.AUDITOR, roles.OPS):
            roles.grant(role, "audit.view_event", "audit.view_checkpoint")

        connection_created.connect(register_sqlite_function, dispatch_uid="audit.sqlite_function")

        # SQLite rebuilds a table to alter it, dropping its triggers: re-install after every migrate.
        post_migrate.connect(ensure_all_triggers, dispatch_uid="audit.ensure_all_triggers")
