"""Incidents: current state on `Incident`, every happening appended to its hash-chained timeline.

The incident row holds the current status, roles and record fields (seed 004 "Incident
Logging"); `TimelineEvent` is the append-only history (healthchecks' Check + Flip shape).
Runbooks are versioned: editing one adds a `RunbookVersion`, an incident keeps the
version it attached.
"""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

from audit.models import ChainedModel


class Status(models.TextChoices):
    DECLARED = "declared", "Declared"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    MITIGATED = "mitigated", "Mitigated"
    RESOLVED = "resolved", "Resolved"
    CLOSED = "closed", "Closed"


# The allowed status graph (docs/incidents.md). Reopen edges: mitigated → acknowledged
# (the mitigation did not hold) and resolved → acknowledged (the incident recurred).
TRANSITIONS: dict[str, tuple[str, ...]] = {
    Status.DECLARED: (Status.ACKNOWLEDGED,),
    Status.ACKNOWLEDGED: (Status.MITIGATED, Status.RESOLVED),
    Status.MITIGATED: (Status.RESOLVED, Status.ACKNOWLEDGED),
    Status.RESOLVED: (Status.CLOSED, Status.ACKNOWLEDGED),
    Status.CLOSED: (),
}
OPEN_STATUSES = (Status.DECLARED, Status.ACKNOWLEDGED, Status.MITIGATED)


class SeverityCode(models.TextChoices):
    P1 = "P1", "P1 - Critical"
    P2 = "P2", "P2 - High"
    P3 = "P3", "P3 - Medium"
    P4 = "P4", "P4 - Low"


class Severity(models.Model):
    """Seed 003's severity table; the response target is edited per severity in the admin."""

    code = models.CharField(max_length=2, primary_key=True, choices=SeverityCode.choices)
    description = models.CharField(max_length=200)
    response_minutes = models.PositiveIntegerField(
        help_text="Seed 003 response time: resolve within this; past it an unresolved P1 climbs a level."
    )
    update_cadence_minutes = models.PositiveIntegerField(
        null=True, blank=True, help_text="Remind the commander to post a status update this often (seed 001: P1, 5)."
    )
    acknowledge_minutes = models.PositiveIntegerField(
        default=15, help_text="Page the next person when nobody acknowledged within this (seed 003: P1, 5)."
    )
    pages = models.BooleanField(
        default=False, help_text="Declaring pages the on-call (with an acknowledge link) and escalates; else notifies."
    )
    escalate_until_resolved = models.BooleanField(
        default=False, help_text="Acknowledged but unresolved past the response time: the next level is paged."
    )
    status_update_minutes = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="Nudge the communications lead without a stakeholder update this often (seed 001: 10).",
    )

    class Meta:
        verbose_name_plural = "severities"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} ({self.response_minutes} min)"

    @property
    def response_target(self) -> timedelta:
        return timedelta(minutes=self.response_minutes)

    @property
    def acknowledge_target(self) -> timedelta:
        return timedelta(minutes=self.acknowledge_minutes)


class Runbook(models.Model):
    """A scenario of the seed runbooks; its content lives in versions."""

    slug = models.SlugField(max_length=60, unique=True)
    title = models.CharField(max_length=200)
    source = models.CharField(max_length=120, help_text="Where the procedure comes from, e.g. seed 004 scenario 1.")

    class Meta:
        ordering = ["slug"]

    def __str__(self) -> str:
        return f"{self.slug}: {self.title}"

    @property
    def current(self) -> "RunbookVersion | None":
        return self.versions.order_by("-number").first()


class RunbookVersion(ChainedModel):
    """One immutable version: editing a runbook appends a new one."""

    HASH_FIELDS = (
        "runbook",
        "number",
        "recognition",
        "diagnostic_steps",
        "recovery_actions",
        "verification",
        "escalate_if",
        "created_at",
        "created_by",
    )
    DEFAULT_CHAIN = "runbooks"

    runbook = models.ForeignKey(Runbook, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    recognition = models.TextField(help_text="Symptoms: how to recognise the scenario.")
    diagnostic_steps = models.JSONField(default=list)
    recovery_actions = models.JSONField(default=list)
    verification = models.JSONField(default=list, help_text="Post-recovery verification checklist.")
    escalate_if = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.CharField(max_length=150)

    class Meta(ChainedModel.Meta):
        constraints = [
            *ChainedModel.Meta.constraints,
            models.UniqueConstraint(fields=["runbook", "number"], name="incidents_runbook_version_number"),
        ]

    def __str__(self) -> str:
        return f"{self.runbook.slug} v{self.number}"

    def checklist_steps(self) -> list[str]:
        """What an attached incident ticks: the recovery actions, then the verification checks."""
        return [*self.recovery_actions, *self.verification]


class IncidentQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def unacknowledged(self):
        return self.filter(status=Status.DECLARED)


class Incident(models.Model):
    """Never deleted; every field change is audited with before/after."""

    title = models.CharField(max_length=200)
    public_title = models.CharField(
        max_length=200, blank=True, help_text="What the public status page says; blank shows a generic line."
    )
    severity = models.CharField(max_length=2, choices=SeverityCode.choices, db_index=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DECLARED)
    version = models.PositiveIntegerField(default=1, help_text="Optimistic concurrency: bumped by every change.")
    runbook_version = models.ForeignKey(RunbookVersion, null=True, blank=True, on_delete=models.PROTECT)
    detected_by = models.CharField(max_length=150, blank=True, db_index=True, help_text="Username or probe:<name>.")
    impact = models.JSONField(default=dict, blank=True)
    symptoms = models.TextField(blank=True)
    root_cause = models.TextField(blank=True)
    recovery_actions = models.TextField(blank=True)
    recovery_time_override = models.DurationField(null=True, blank=True)
    recovery_time_reason = models.TextField(blank=True)
    data_loss = models.BooleanField(default=False)
    data_loss_details = models.TextField(blank=True)
    prevention = models.TextField(blank=True)
    declared_by = models.CharField(max_length=150)
    declared_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(
        default=timezone.now,
        help_text="The earliest moment on the timeline (a backfilled event may predate declaring).",
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    mitigated_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    escalation_level = models.PositiveSmallIntegerField(default=0)
    escalated_at = models.DateTimeField(null=True, blank=True)
    update_reminded_at = models.DateTimeField(null=True, blank=True)
    backup_paged_at = models.DateTimeField(null=True, blank=True, help_text="When the on-call backups were paged.")
    status_nudged_at = models.DateTimeField(null=True, blank=True, help_text="Last nudge for a stakeholder update.")
    journal_entry_id = models.PositiveBigIntegerField(null=True, blank=True)

    objects = IncidentQuerySet.as_manager()
    link_kind = "incident"  # journal entries link to an incident as ("incident", id)

    class Meta:
        indexes = [
            # The list's filter walks newest first (ORDER BY id DESC LIMIT 51) within one status and
            # severity; declared_at is a key column so `since`/`until` are checked in the index.
            models.Index(fields=["status", "severity", "id", "declared_at"], name="incident_filter_newest"),
            models.Index(fields=["declared_at", "id"], name="incident_declared"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.severity} {self.title}"

    @property
    def chain_name(self) -> str:
        return f"incident-{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def allowed_next(self) -> tuple[str, ...]:
        return TRANSITIONS[self.status]

    def state(self) -> dict:
        """The current state a refused writer is shown (409 bodies)."""
        return {"id": self.pk, "status": self.status, "version": self.version, "severity": self.severity}

    def recovery_time(self) -> timedelta | None:
        """The override when given, else from the earliest timeline moment to the resolution."""
        if self.recovery_time_override is not None:
            return self.recovery_time_override
        if self.resolved_at is None:
            return None
        return self.resolved_at - min(self.started_at, self.declared_at)


class RoleName(models.TextChoices):
    COMMANDER = "commander", "Incident commander"
    COMMUNICATIONS = "communications", "Communications lead"
    TECHNICAL = "technical", "Technical lead"
    SCRIBE = "scribe", "Scribe"
    RESPONDER = "responder", "Responder"


class IncidentRole(models.Model):
    """Who holds which role now; each change is also a `role_change` timeline event."""

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="roles")
    role = models.CharField(max_length=20, choices=RoleName.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assigned_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["incident", "role"], name="incidents_role_once")]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.user}"


class Kind(models.TextChoices):
    NOTE = "note", "Note"
    ACTION = "action", "Action"
    STATUS_CHANGE = "status_change", "Status change"
    ROLE_CHANGE = "role_change", "Role change"
    CHECKLIST = "checklist", "Checklist"
    COMMS = "comms", "Communication"
    PROBE = "probe", "Probe"
    ALERT = "alert", "Alert"
    STATUS_UPDATE = "status_update", "Status update"
    PAGE = "page", "Page"
    DELIVERY_FAILED = "delivery_failed", "Delivery failed"
    SEVERITY_CHANGE = "severity_change", "Severity change"
    FOLLOW_UP = "follow_up", "Follow-up"


class TimelineEvent(ChainedModel):
    """One thing that happened during an incident: never edited, a mistake is corrected by a new event."""

    HASH_FIELDS = ("incident", "kind", "text", "author", "occurred_at", "recorded_at", "data")

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    text = models.TextField()
    author = models.CharField(max_length=150)
    occurred_at = models.DateTimeField()
    recorded_at = models.DateTimeField()
    data = models.JSONField(default=dict, blank=True)

    class Meta(ChainedModel.Meta):
        indexes = [models.Index(fields=["incident", "id"], name="incident_event_incident_id")]

    def __str__(self) -> str:
        return f"{self.kind}: {self.text[:60]}"


class ChecklistItem(models.Model):
    """A step of the attached runbook version; ticking it writes a `checklist` event."""

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="checklist")
    position = models.PositiveSmallIntegerField()
    text = models.TextField()
    section = models.CharField(max_length=20, default="recovery")
    ticked_at = models.DateTimeField(null=True, blank=True)
    ticked_by = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["incident", "position"], name="incidents_checklist_position")]

    def __str__(self) -> str:
        return f"{'[x]' if self.ticked_at else '[ ]'} {self.text[:60]}"


class PostMortem(models.Model):
    """Seed 001 Runbook 11 step 6; required before an incident may close."""

    incident = models.OneToOneField(Incident, on_delete=models.PROTECT, related_name="postmortem")
    root_cause_analysis = models.TextField(blank=True)
    prevention_measures = models.TextField(blank=True)
    communication_review = models.TextField(blank=True)
    action_items = models.JSONField(default=list, blank=True, help_text='[{"description", "owner", "due_date"}]')
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.CharField(max_length=150, blank=True)

    def __str__(self) -> str:
        return f"Post-mortem of incident {self.incident_id}"

    def missing(self) -> list[str]:
        """What still has to be written before the incident may close."""
        required = ("root_cause_analysis", "prevention_measures", "communication_review")
        gaps = [name for name in required if not getattr(self, name).strip()]
        if not self.action_items:
            gaps.append("action_items")
        return gaps


class OnCallShift(models.Model):
    """Seed 003's on-call rotation: a role's primary and backup for a date range."""

    role = models.CharField(max_length=50, help_text="e.g. DevOps, Backend, Trading.")
    primary = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    backup = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    starts_on = models.DateField()
    ends_on = models.DateField()

    class Meta:
        ordering = ["starts_on", "role"]

    def __str__(self) -> str:
        return f"{self.role} {self.starts_on}-{self.ends_on}: {self.primary} / {self.backup}"


class EscalationLevel(models.Model):
    """Seed 003's escalation path; level 1 is whoever is on call, the others have an address."""

    level = models.PositiveSmallIntegerField(primary_key=True)
    name = models.CharField(max_length=80)
    email = models.EmailField(blank=True, help_text="Empty for level 1: the on-call rota decides.")
    webhook_url = models.URLField(blank=True)

    class Meta:
        ordering = ["level"]

    def __str__(self) -> str:
        return f"{self.level}. {self.name}"


class DeliveryQuerySet(models.QuerySet):
    def never_started(self, older_than: timedelta):
        """Recorded but not picked up by a worker (the broker was down, the message lost): re-send."""
        return self.filter(state=Delivery.State.PENDING, created_at__lt=timezone.now() - older_than)

    def stuck(self, older_than: timedelta):
        """Left `sending` (started_at: the latest attempt) longer than any retry waits: its worker died."""
        return self.filter(state=Delivery.State.SENDING, started_at__lt=timezone.now() - older_than)


class Delivery(models.Model):
    """One message to one target (an e-mail address or a webhook): the outbox row.

    Recorded in the transaction that decided to send it, sent by a Celery task after commit,
    re-sent by the sweeper when no worker ever started it. A delivery that finally fails is a
    `delivery_failed` timeline event: nothing is dropped silently.
    """

    class Channel(models.TextChoices):
        EMAIL = "email", "E-mail"
        WEBHOOK = "webhook", "Webhook (JSON)"
        SLACK = "slack", "Webhook (Slack)"

    class Purpose(models.TextChoices):
        PAGE = "page", "Page"
        NOTIFY = "notify", "Notification"
        ESCALATION = "escalation", "Escalation"
        REMINDER = "reminder", "Reminder"
        NUDGE = "nudge", "Status-update nudge"
        SUBSCRIBER = "subscriber", "Subscriber message"

    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="deliveries")
    purpose = models.CharField(max_length=12, choices=Purpose.choices)
    channel = models.CharField(max_length=8, choices=Channel.choices)
    target = models.CharField(max_length=500, help_text="E-mail address or webhook URL.")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    subject = models.CharField(max_length=300, blank=True)
    body = models.TextField(blank=True)
    payload = models.JSONField(default=dict, blank=True, help_text="The webhook's JSON body.")
    state = models.CharField(max_length=8, choices=State.choices, default=State.PENDING, db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)  # the latest attempt's start (Delivery.objects.stuck)
    finished_at = models.DateTimeField(null=True, blank=True)
    acknowledge_link = models.BooleanField(default=False, help_text="The message carries a one-use acknowledge link.")
    link_used_at = models.DateTimeField(null=True, blank=True)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "deliveries"
        indexes = [models.Index(fields=["state", "created_at"], name="incident_delivery_state")]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} #{self.pk} to {self.target} ({self.state})"


class Subscriber(models.Model):
    """A stakeholder who is e-mailed when an incident of a chosen severity is declared, updated or resolved."""

    email = models.EmailField(unique=True)
    severities = models.JSONField(default=list, help_text='Severity codes, e.g. ["P1", "P2"].')
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.CharField(max_length=150)

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        return f"{self.email} ({', '.join(self.severities)})"


class EventStar(models.Model):
    """A timeline event marked as a key moment; the post-mortem starts from the starred timeline.

    The event itself is append-only, so the star lives beside it: current state here, each
    change audited (like a checklist tick).
    """

    event = models.OneToOneField(TimelineEvent, on_delete=models.PROTECT, related_name="star")
    starred = models.BooleanField(default=True)
    changed_by = models.CharField(max_length=150)
    changed_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{'★' if self.starred else '☆'} event {self.event_id}"


class FollowUpStatus(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"
    WONT_DO = "wont_do", "Won't do"


class FollowUpQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=FollowUpStatus.OPEN)

    def overdue(self, today=None):
        return self.open().filter(due_on__lt=today or timezone.localdate())


class FollowUp(models.Model):
    """An action that outlives the incident (issue 14): someone owns it until it is done or dropped."""

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="follow_ups")
    description = models.CharField(max_length=500)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField()
    status = models.CharField(max_length=10, choices=FollowUpStatus.choices, default=FollowUpStatus.OPEN)
    created_by = models.CharField(max_length=150)
    created_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    reminded_on = models.DateField(null=True, blank=True, help_text="The last day its owner was reminded.")

    objects = FollowUpQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["status", "due_on"], name="incident_followup_due")]

    def __str__(self) -> str:
        return f"{self.description[:60]} ({self.owner}, {self.due_on})"

    @property
    def is_overdue(self) -> bool:
        return self.status == FollowUpStatus.OPEN and self.due_on < timezone.localdate()
