"""The Celery application; configuration comes from Django settings (CELERY_*)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pms_ops.settings")

app = Celery("pms_ops")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="pms_ops.ping")
def ping() -> str:
    """A round trip through broker and worker: used by readiness and the process test."""
    return "pong"
