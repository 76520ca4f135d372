"""Demo rows of ops: the two heartbeats of the seeds (a trading instance, the morning-pack pipeline).

`manage.py demo_heartbeats` (a `make run` process) plays both: it pings them as the real ones would.
"""

from django.utils import timezone

from . import services
from .models import Heartbeat

ACTOR = "system:demo"
INSTANCE = "demo"

HEARTBEATS = (
    ("trading-instance", "Seed 002: the live trading instance's heartbeat", 60, 30),
    ("morning-pack", "Seed 004 scenario 5: the daily morning-pack pipeline", 86_400, 3_600),
)


def load(users: dict) -> None:
    for name, description, period, grace in HEARTBEATS:
        if not Heartbeat.objects.filter(name=name).exists():
            heartbeat = Heartbeat(name=name, description=description, period_seconds=period, grace_seconds=grace)
            services.heartbeat_save(actor=users["ops"], heartbeat=heartbeat)


def heartbeats_ping() -> list[str]:
    """Ping each demo heartbeat that is due (never seen, or half its period gone); return their names."""
    now = timezone.now()
    beats = Heartbeat.objects.enabled().filter(name__in=[name for name, *_ in HEARTBEATS]).order_by("name")
    due = [b for b in beats if b.last_seen_at is None or (now - b.last_seen_at).total_seconds() >= b.period_seconds / 2]
    for beat in due:
        services.heartbeat_ping(actor=ACTOR, name=beat.name, status="running", instance=INSTANCE)
    return [beat.name for beat in due]
