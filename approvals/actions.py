"""The approvals app's audit actions: a request's life and the policies it is made under."""

from django.db import models


class ApprovalsAction(models.TextChoices):
    REQUEST_CREATED = "approvals.request.created", "Approval requested"
    REQUEST_APPROVED = "approvals.request.approved", "Approval decision: approve"
    REQUEST_REJECTED = "approvals.request.rejected", "Approval decision: reject"
    REQUEST_CANCELLED = "approvals.request.cancelled", "Approval request cancelled by its requester"
    REQUEST_EXPIRED = "approvals.request.expired", "Approval request expired"
    REQUEST_EXECUTED = "approvals.request.executed", "Approved action executed"
    REQUEST_FAILED = "approvals.request.failed", "Approved action failed; nothing of it remains"
    POLICY_CHANGED = "approvals.policy.changed", "Approval policy changed"
