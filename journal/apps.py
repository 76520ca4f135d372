from django.apps import AppConfig


class JournalConfig(AppConfig):
    name = "journal"
    verbose_name = "Decision journal"

    def ready(self) -> None:
        from audit import registry

        from . import links

        registry.register(
            {
                "journal.entry.added": "Journal entry added",
                "journal.entry.amended": "Journal entry amended (a new version)",
            }
        )
        links.register_kind("entry", links.entry_exists, label="journal entry")
