from django.apps import AppConfig

from .roles import OPS


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Core"
    # The outbox's rows, for whoever runs the platform: what failed, and sending it again.
    grants = {OPS: ("core.view_outboxmessage",)}

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from . import roles, tasks, tokens  # noqa: F401  (tasks: registered by name for on-commit dispatch)

        roles.read_grants()
        post_migrate.connect(roles.sync_role_permissions, dispatch_uid="core.sync_role_permissions")
        tokens.connect()
