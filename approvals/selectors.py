"""Reads of approvals: lists, one request with its decisions, and its action's preview."""

import logging

from django.db.models import Prefetch, QuerySet

from . import registry
from .models import ApprovalDecision, ApprovalRequest

log = logging.getLogger(__name__)


def requests() -> QuerySet:
    """With the requester, and the decisions with their deciders in one query (not one more per level)."""
    decisions = Prefetch("decisions", queryset=ApprovalDecision.objects.select_related("decided_by"))
    return ApprovalRequest.objects.select_related("requested_by").prefetch_related(decisions)


def label(action: str) -> str:
    approvable = registry.get(action)
    return approvable.label if approvable else action


def preview(request: ApprovalRequest) -> dict:
    """The action's `describe(payload)`; a broken describe must not hide the request from its approver."""
    approvable = registry.get(request.action)
    if approvable is None:
        return {}
    try:
        return approvable.describe(request.payload) or {}
    except Exception as exc:  # the raw payload is still shown beside it
        log.warning("describe of %s failed: %s", request.action, exc)
        return {"summary": f"(preview unavailable: {exc})"}
