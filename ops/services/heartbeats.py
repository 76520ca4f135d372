"""Heartbeat pings and leadership history (seed 002's instance_heartbeat and leadership_history).

A ping only moves `last_seen_at`: it is telemetry arriving every few seconds, so it is
not audited (the chain would be mostly pings). A change of leader is a fact and is audited.
"""

from django.db import transaction
from django.utils import timezone

from audit.services import event_record
from core.errors import Invalid, NotFound

from ..actions import OpsAction
from ..models import Heartbeat, LeadershipChange


def heartbeat_ping(*, actor, name: str, status: str = "", leader: bool | None = None, instance: str = "") -> Heartbeat:
    """Record that `name` is alive; `leader=True` from a new instance records a leadership change."""
    if leader is not None and not instance:
        raise Invalid(
            "Say which instance claims or gives up leadership.", fields={"instance": ["Required with leader."]}
        )
    with transaction.atomic():
        beat = Heartbeat.objects.select_for_update().filter(name=name).first()
        if beat is None:
            raise NotFound(f"No heartbeat named {name!r}; Ops defines heartbeats in the admin.")
        beat.last_seen_at = timezone.now()
        beat.last_status = status
        beat.last_instance = instance
        new_leader = _new_leader(beat, leader, instance)
        if new_leader is not None:
            _leader_change(actor, beat, new_leader)
        beat.save(update_fields=["last_seen_at", "last_status", "last_instance", "leader"])
    return beat


def _new_leader(beat: Heartbeat, leader: bool | None, instance: str) -> str | None:
    if leader and instance != beat.leader:
        return instance
    if leader is False and instance == beat.leader:
        return ""
    return None


def _leader_change(actor, beat: Heartbeat, new_leader: str) -> None:
    change = LeadershipChange.objects.create(heartbeat=beat, previous_leader=beat.leader, new_leader=new_leader)
    event_record(
        actor=actor,
        action=OpsAction.HEARTBEAT_LEADER_CHANGED,
        subject_type="ops.heartbeat",
        subject_id=beat.name,
        payload={"previous": beat.leader, "new": new_leader, "change_id": change.pk},
    )
    beat.leader = new_leader
