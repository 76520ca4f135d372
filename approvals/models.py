"""Approval requests (current status), their append-only decisions, and per-action policy."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

from audit.models import ChainedModel


class ApprovalPolicy(models.Model):
    """How many approvals an action needs, from which roles; edited in the admin."""

    action = models.CharField(max_length=100, unique=True)
    required_approvals = models.PositiveSmallIntegerField(default=1)
    approver_roles = models.JSONField(default=list, help_text='Role names, e.g. ["Approver"].')
    expiry_hours = models.PositiveIntegerField(default=24)

    class Meta:
        verbose_name_plural = "approval policies"

    def __str__(self) -> str:
        return f"{self.action}: {self.required_approvals} of {', '.join(self.approver_roles)}"

    @classmethod
    def for_action(cls, action: str) -> "ApprovalPolicy":
        """The stored policy, or the default: one Approver who is not the requester."""
        return cls.objects.filter(action=action).first() or cls(action=action, approver_roles=["Approver"])


class Status(models.TextChoices):
    PENDING = "pending", "Pending"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    CANCELLED = "cancelled", "Cancelled"
    EXPIRED = "expired", "Expired"
    EXECUTED = "executed", "Executed"
    FAILED = "failed", "Failed"


class ApprovalRequestQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=Status.PENDING)

    def for_subject(self, subject_type: str, subject_id):
        return self.filter(subject_type=subject_type, subject_id=str(subject_id))


class ApprovalRequest(models.Model):
    action = models.CharField(max_length=100, db_index=True)
    payload = models.JSONField(default=dict)
    reason = models.TextField()
    subject_type = models.CharField(max_length=50, blank=True)
    subject_id = models.CharField(max_length=64, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING, db_index=True)
    required_approvals = models.PositiveSmallIntegerField(default=1)
    approver_roles = models.JSONField(default=list)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    decided_at = models.DateTimeField(null=True, blank=True)
    result = models.JSONField(null=True, blank=True)
    failure_reason = models.TextField(blank=True)

    objects = ApprovalRequestQuerySet.as_manager()
    link_kind = "approval"  # journal entries link to a request as ("approval", id)

    class Meta:
        indexes = [
            models.Index(
                fields=["subject_type", "subject_id", "status"],
                name="approvals_subject_status",
            )
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.action} ({self.status})"

    @property
    def is_expired(self) -> bool:
        return self.status == Status.PENDING and timezone.now() >= self.expires_at

    @staticmethod
    def default_expiry(hours: int):
        return timezone.now() + timedelta(hours=hours)


class Verdict(models.TextChoices):
    APPROVE = "approve", "Approve"
    REJECT = "reject", "Reject"


class ApprovalDecision(ChainedModel):
    HASH_FIELDS = ("request", "decided_by", "verdict", "comment", "decided_at")
    DEFAULT_CHAIN = "approvals"

    request = models.ForeignKey(ApprovalRequest, on_delete=models.PROTECT, related_name="decisions")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    verdict = models.CharField(max_length=10, choices=Verdict.choices)
    comment = models.TextField(blank=True)
    decided_at = models.DateTimeField()

    class Meta(ChainedModel.Meta):
        constraints = [
            *ChainedModel.Meta.constraints,
            models.UniqueConstraint(
                fields=["request", "decided_by"],
                name="approvals_one_decision_per_person",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.verdict} by {self.decided_by_id} on #{self.request_id}"
