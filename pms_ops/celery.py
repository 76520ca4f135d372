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


def _detached(qos) -> bool:
    """The channel belongs to a connection Celery has dropped (the broker went away since delivery)."""
    return getattr(qos.channel.connection, "client", None) is None


def _restore_unacked_unless_detached(self, client=None):
    """Keep the worker alive when Redis goes away while it holds unacked messages (kombu 5.7.0).

    On a lost connection Celery detaches the transport (`collect`), then closes the connection;
    closing the channel restores its unacked messages through a client it can no longer build
    (`AttributeError: 'NoneType' object has no attribute 'hostname'`), and the worker exited with
    "Unrecoverable error". Redis is unreachable then anyway: the messages stay in its unacked set,
    which the visibility timeout restores, and the outbox sweepers re-send what never ran."""
    if client is None and _detached(self):
        log.warning("broker lost: %s unacked message(s) left to Redis' visibility timeout", len(self._delivered))
        self._delivered.clear()
        return None
    return _restore_unacked(self, client)


kombu_redis.QoS.restore_unacked = _restore_unacked_unless_detached

_ack, _reject = kombu_redis.QoS.ack, kombu_redis.QoS.reject


def _ack_unless_detached(self, delivery_tag):
    """Keep the worker alive when a message delivered before an outage is acked after it (kombu 5.7.0).

    A task that ran across the outage (acks late) acks through its old channel, whose connection is
    gone (`AttributeError: 'NoneType' object has no attribute 'client'`, "Unrecoverable error"). Redis
    redelivers it after the visibility timeout, and its task finds its row claimed or done."""
    if _detached(self):
        log.warning("broker lost: ack of message %s left to Redis' visibility timeout", delivery_tag)
        self._delivered.pop(delivery_tag, None)
        return None
    return _ack(self, delivery_tag)


def _reject_unless_detached(self, delivery_tag, requeue=False):
    """As `_ack_unless_detached`, for a message rejected after the outage."""
    if _detached(self):
        log.warning("broker lost: reject of message %s left to Redis' visibility timeout", delivery_tag)
        self._delivered.pop(delivery_tag, None)
        return None
    return _reject(self, delivery_tag, requeue=requeue)


kombu_redis.QoS.ack = _ack_unless_detached
kombu_redis.QoS.reject = _reject_unless_detached


@app.task(name="pms_ops.ping")
def ping() -> str:
    """A round trip through broker and worker: used by readiness and the process test."""
    return "pong"
