"""Demo rows of ops: the two heartbeats of the seeds (a trading instance, the morning-pack pipeline)."""

from . import services
from .models import Heartbeat

HEARTBEATS = (
    ("trading-instance", "Seed 002: the live trading instance's heartbeat", 60, 30),
    ("morning-pack", "Seed 004 scenario 5: the daily morning-pack pipeline", 86_400, 3_600),
)


def load(users: dict) -> None:
    for name, description, period, grace in HEARTBEATS:
        if not Heartbeat.objects.filter(name=name).exists():
            heartbeat = Heartbeat(name=name, description=description, period_seconds=period, grace_seconds=grace)
            services.heartbeat_save(actor=users["ops"], heartbeat=heartbeat)
