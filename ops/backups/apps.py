from django.apps import AppConfig


class BackupsConfig(AppConfig):
    name = "ops.backups"
    label = "backups"
    verbose_name = "Backups and restores"
