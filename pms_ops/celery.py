"""The Celery application; configuration comes from Django settings (CELERY_*)."""

import logging
import os

from celery import Celery
from kombu.transport import redis as kombu_redis

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pms_ops.settings")

log = logging.getLogger(__name__)

app = Celery("pms_ops")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

_restore_unacked = kombu_redis.QoS.restore_unacked


def _restore_unacked_unless_detached(self, client=None):
    """Keep the worker alive when Redis goes away while it holds unacked messages (kombu 5.7.0).

    On a lost connection Celery detaches the transport (`collect`), then closes the connection;
    closing the channel restores its unacked messages through a client it can no longer build
    (`AttributeError: 'NoneType' object has no attribute 'hostname'`), and the worker exited with
    "Unrecoverable error". Redis is unreachable then anyway: the messages stay in its unacked set,
    which the visibility timeout restores, and the outbox sweepers re-send what never ran."""
    if client is None and self.channel.connection.client is None:
        log.warning("broker lost: %s unacked message(s) left to Redis' visibility timeout", len(self._delivered))
        self._delivered.clear()
        return None
    return _restore_unacked(self, client)


kombu_redis.QoS.restore_unacked = _restore_unacked_unless_detached


@app.task(name="pms_ops.ping")
def ping() -> str:
    """A round trip through broker and worker: used by readiness and the process test."""
    return "pong"
