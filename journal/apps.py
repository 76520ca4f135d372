from django.apps import AppConfig

from .actions import JournalAction


class JournalConfig(AppConfig):
    name = "journal"
    verbose_name = "Decision journal"
    audit_actions = (JournalAction,)

    def ready(self) -> None:
        from . import links

        links.read_kinds()
