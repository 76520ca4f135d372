"""Probe results and state, alert rules, heartbeats, leadership history, the trading switch, health reports.

Probe results are monitoring telemetry, not records: they are pruned after the retention
period. Leadership changes and trading switches are facts people rely on later, so they
are append-only (the switch is hash-chained); the current state is the newest row.
"""

from django.db import models
from django.utils import timezone

from audit.models import ChainedModel


class Status(models.TextChoices):
    OK = "ok", "OK"
    WARN = "warn", "Warning"
    FAIL = "fail", "Failing"


class Level(models.TextChoices):
    """Seed 000's alert levels: CRITICAL (repeated failure), WARNING and INFO (slow)."""

    NONE = "", "—"
    INFO = "info", "INFO"
    WARNING = "warning", "WARNING"
    CRITICAL = "critical", "CRITICAL"


class Severity(models.TextChoices):
    P1 = "P1", "P1"
    P2 = "P2", "P2"
    P3 = "P3", "P3"
    P4 = "P4", "P4"


class ProbeResultQuerySet(models.QuerySet):
    def for_probe(self, name: str):
        return self.filter(probe=name)

    def since(self, when):
        return self.filter(created_at__gte=when)

    def failures(self):
        return self.filter(status=Status.FAIL)


class ProbeResult(models.Model):
    probe = models.CharField(max_length=50)
    status = models.CharField(max_length=4, choices=Status.choices)
    level = models.CharField(max_length=8, choices=Level.choices, blank=True, default="")
    latency_ms = models.FloatField()
    message = models.TextField(blank=True)
    details = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = ProbeResultQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["probe", "-created_at"], name="ops_result_probe_when")]

    def __str__(self) -> str:
        return f"{self.probe} {self.status} at {self.created_at:%Y-%m-%d %H:%M:%S}"


class ProbeState(models.Model):
    """The newest outcome of one probe plus its alerting state (locked while a result is judged)."""

    probe = models.CharField(max_length=50, unique=True)
    status = models.CharField(max_length=4, choices=Status.choices)
    latency_ms = models.FloatField(default=0)
    message = models.TextField(blank=True)
    last_run_at = models.DateTimeField()
    last_ok_at = models.DateTimeField(null=True, blank=True)
    # The incident this probe declared and has not yet reported recovery on.
    incident_id = models.BigIntegerField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.probe}: {self.status}"


class AlertRule(models.Model):
    """Per-probe thresholds (seed 000 "Alert Thresholds"); edited by Ops in the admin."""

    probe = models.CharField(max_length=50, unique=True)
    enabled = models.BooleanField(default=True)
    critical_failures = models.PositiveSmallIntegerField(
        default=2, help_text="CRITICAL when the probe fails this many times within the window."
    )
    critical_window_minutes = models.PositiveIntegerField(default=60)
    warning_latency_ms = models.PositiveIntegerField(default=500, help_text="WARNING above this latency.")
    info_latency_ms = models.PositiveIntegerField(default=100, help_text="INFO above this latency.")
    severity = models.CharField(max_length=2, choices=Severity.choices, default=Severity.P2)
    runbook = models.SlugField(max_length=100, blank=True, help_text="Runbook slug attached to the incident.")

    def __str__(self) -> str:
        return f"{self.probe}: {self.critical_failures} fails / {self.critical_window_minutes} min → {self.severity}"


class HeartbeatQuerySet(models.QuerySet):
    def enabled(self):
        return self.filter(enabled=True)


class Heartbeat(models.Model):
    """A dead-man's switch: a trading instance or pipeline that must check in every `period`."""

    name = models.SlugField(max_length=100, unique=True)
    description = models.CharField(max_length=200, blank=True)
    period_seconds = models.PositiveIntegerField(default=60)
    grace_seconds = models.PositiveIntegerField(default=30)
    enabled = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(null=True, blank=True)
    last_status = models.CharField(max_length=100, blank=True)
    last_instance = models.CharField(max_length=200, blank=True)
    leader = models.CharField(max_length=200, blank=True, help_text="Instance currently holding leadership.")

    objects = HeartbeatQuerySet.as_manager()

    def __str__(self) -> str:
        return self.name

    def due_at(self):
        """When the heartbeat is late: period + grace after the last ping (or after creation)."""
        base = self.last_seen_at or self.created_at
        return base + timezone.timedelta(seconds=self.period_seconds + self.grace_seconds)

    def is_late(self, now=None) -> bool:
        return self.enabled and (now or timezone.now()) > self.due_at()


class LeadershipChange(ChainedModel):
    """Seed 002's leadership_history: who held leadership of a heartbeat's instances, from when."""

    HASH_FIELDS = ("heartbeat", "previous_leader", "new_leader", "changed_at")
    DEFAULT_CHAIN = "leadership"

    heartbeat = models.ForeignKey(Heartbeat, on_delete=models.PROTECT, related_name="leadership")
    previous_leader = models.CharField(max_length=200, blank=True)
    new_leader = models.CharField(max_length=200, blank=True)
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta(ChainedModel.Meta):
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.heartbeat_id}: {self.previous_leader or '—'} → {self.new_leader or '—'}"


class TradingChange(ChainedModel):
    """One flip of the trading kill switch (seed 003 "Emergency Stop Trading"); newest row is current."""

    HASH_FIELDS = ("enabled", "reason", "actor", "changed_at", "approval_id")
    DEFAULT_CHAIN = "trading"

    enabled = models.BooleanField()
    reason = models.TextField()
    actor = models.CharField(max_length=150)
    changed_at = models.DateTimeField()
    approval_id = models.BigIntegerField(null=True, blank=True)

    class Meta(ChainedModel.Meta):
        ordering = ["-seq"]

    def __str__(self) -> str:
        return f"{'resumed' if self.enabled else 'halted'} by {self.actor} at {self.changed_at:%Y-%m-%d %H:%M}"


class HealthReport(models.Model):
    """Seed 001 Runbook 3's daily health check, produced by beat every morning."""

    date = models.DateField(unique=True)
    passed = models.BooleanField()
    checks = models.JSONField(default=list, help_text='[{"name", "value", "ok", "runbook"}, …]')
    text = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-date"]

    def __str__(self) -> str:
        return f"{self.date} {'PASS' if self.passed else 'FAIL'}"


class AlertGroup(models.Model):
    """An Alertmanager group (its `groupKey`) and the incident its alerts go to.

    A firing group keeps one incident while that incident is open; `seen` remembers which
    notifications (alert fingerprint, start, status) are already on its timeline, so that
    Alertmanager's repeats and retries add nothing.
    """

    group_key = models.CharField(max_length=1000, unique=True)
    receiver = models.CharField(max_length=200, blank=True)
    incident_id = models.BigIntegerField(null=True, blank=True)
    seen = models.JSONField(default=list, blank=True)
    first_seen_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.group_key[:60]} → incident #{self.incident_id}"


class RequestTally(models.Model):
    """The API's own requests per hour and latency bucket, flushed by the metrics middleware: what the daily
    report's response time (p95) and error rate are computed from, whichever process served the requests."""

    hour = models.DateTimeField()
    bucket = models.PositiveSmallIntegerField(help_text="Index into ops.request_stats.BUCKETS_MS (last: slower).")
    requests = models.PositiveBigIntegerField(default=0)
    server_errors = models.PositiveBigIntegerField(default=0, help_text="Responses with a 5xx status.")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["hour", "bucket"], name="ops_requesttally_hour_bucket")]

    def __str__(self) -> str:
        return f"{self.hour:%Y-%m-%d %H}:00 bucket {self.bucket}: {self.requests}"
