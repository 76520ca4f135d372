"""The approvals write path: request, approve, reject, cancel, expire.

The request row is locked (SELECT … FOR UPDATE) for every decision, so two approvers
deciding at the same instant serialize and the action executes exactly once.
"""

import logging

from django.db import transaction
from django.utils import timezone

from audit import chain
from audit.services import event_record
from core.errors import Conflict, Forbidden, Invalid, NotFound
from core.roles import ALL_ROLES, has_role

from . import notifications, registry
from .actions import ApprovalsAction
from .models import ApprovalDecision, ApprovalPolicy, ApprovalRequest, Status, Verdict

log = logging.getLogger(__name__)


def _audit(actor, action: str, request: ApprovalRequest, **payload) -> None:
    event_record(
        actor=actor,
        action=action,
        subject_type="approvals.request",
        subject_id=request.pk,
        payload={"action": request.action, "status": request.status, **payload},
    )


def approval_request_create(
    *,
    actor,
    action: str,
    payload: dict,
    reason: str,
    subject_type: str = "",
    subject_id: object = "",
) -> ApprovalRequest:
    """Open a request for a registered action; the payload is validated by the action first."""
    approvable = registry.get(action)
    if approvable is None:
        raise Invalid(
            f"Unknown approvable action {action!r}.",
            fields={"action": ["Not a registered action."]},
        )
    if not reason or not reason.strip():
        raise Invalid("A reason is required.", fields={"reason": ["Say why this is needed."]})
    approvable.validate(payload)
    action = approvable.name  # a former (aliased) name opens a request under the current one
    policy = ApprovalPolicy.for_action(action)
    # No savepoint: every refusal was raised above; a database error dooms the caller's transaction anyway.
    with transaction.atomic(savepoint=False):
        request = ApprovalRequest.objects.create(
            action=action,
            payload=payload,
            reason=reason.strip(),
            subject_type=subject_type,
            subject_id=str(subject_id or ""),
            requested_by=actor,
            required_approvals=policy.required_approvals,
            approver_roles=list(policy.approver_roles),
            expires_at=ApprovalRequest.default_expiry(policy.expiry_hours),
        )
        _audit(
            actor,
            ApprovalsAction.REQUEST_CREATED,
            request,
            payload=payload,
            reason=request.reason,
        )
        notifications.request_waiting(request.pk)
    return request


def _locked(request_id: int) -> ApprovalRequest:
    # The requester comes along (an executor names them), unlocked: only the request row is locked.
    request = (
        ApprovalRequest.objects.select_related("requested_by")
        .select_for_update(of=("self",))
        .filter(pk=request_id)
        .first()
    )
    if request is None:
        raise NotFound(f"Approval request {request_id} does not exist.")
    return request


def _check_decidable(request: ApprovalRequest, actor) -> int:
    """Refuse what actor may not decide; else the approvals it has so far (one read, under the request's lock)."""
    if request.is_expired:  # the beat task records the expiry; nothing is decided here
        raise Conflict(f"Approval request {request.pk} expired at {request.expires_at:%Y-%m-%d %H:%M} UTC.")
    if request.status != Status.PENDING:
        raise Conflict(
            f"Approval request {request.pk} is already {request.status}.",
            extra={"status": request.status},
        )
    if request.requested_by_id == actor.pk:
        raise Forbidden("You cannot decide your own request: a second person must.")
    if not has_role(actor, *request.approver_roles):
        raise Forbidden(f"Deciding this request needs the role: {', '.join(request.approver_roles)}.")
    decisions = list(request.decisions.values_list("decided_by_id", "verdict"))
    if any(decided_by == actor.pk for decided_by, _ in decisions):
        raise Conflict(f"You have already decided request {request.pk}.")
    return sum(verdict == Verdict.APPROVE for _, verdict in decisions)


def _decide(request: ApprovalRequest, actor, verdict: str, comment: str) -> None:
    chain.append(
        ApprovalDecision,
        chain=ApprovalDecision.DEFAULT_CHAIN,
        request=request,
        decided_by=actor,
        verdict=verdict,
        comment=comment or "",
        decided_at=timezone.now(),
    )


def approval_approve(*, actor, request_id: int, comment: str = "") -> ApprovalRequest:
    """Record an approval; the last required one executes the action in this transaction."""
    with transaction.atomic():
        request = _locked(request_id)
        approved_before = _check_decidable(request, actor)
        approvable = registry.get(request.action)
        if approvable is not None:
            request.locked = approvable.lock(request)  # the action's rows before any chain (Approvable.lock)
        _decide(request, actor, Verdict.APPROVE, comment)
        _audit(actor, ApprovalsAction.REQUEST_APPROVED, request, comment=comment)
        # Every decision takes the request's lock (`_locked`): none came in since that read.
        if approved_before + 1 >= request.required_approvals:
            _execute(request, actor)
    return request


def _execute(request: ApprovalRequest, actor) -> None:
    approvable = registry.get(request.action)
    request.decided_at = timezone.now()
    try:
        if approvable is None:
            raise Invalid(f"No executor is registered for {request.action!r}.")
        with transaction.atomic():  # a savepoint: a failing executor leaves nothing behind
            result = approvable.execute(request, actor=actor)
    except Exception as exc:  # the executor's failure is recorded, never half-applied
        log.warning("approval %s failed: %s", request.pk, exc)
        request.status = Status.FAILED
        request.failure_reason = getattr(exc, "detail", None) or str(exc) or type(exc).__name__
        request.save(update_fields=["status", "decided_at", "failure_reason"])
        _audit(actor, ApprovalsAction.REQUEST_FAILED, request, reason=request.failure_reason)
        return
    request.status = Status.EXECUTED
    request.result = result or {}
    request.save(update_fields=["status", "decided_at", "result"])
    _audit(actor, ApprovalsAction.REQUEST_EXECUTED, request, result=request.result)


def approval_reject(*, actor, request_id: int, comment: str = "") -> ApprovalRequest:
    with transaction.atomic():
        request = _locked(request_id)
        _check_decidable(request, actor)
        if not comment or not comment.strip():
            raise Invalid(
                "Say why you reject it.",
                fields={"comment": ["A comment is required to reject."]},
            )
        _decide(request, actor, Verdict.REJECT, comment)
        request.status = Status.REJECTED
        request.decided_at = timezone.now()
        request.save(update_fields=["status", "decided_at"])
        _audit(actor, ApprovalsAction.REQUEST_REJECTED, request, comment=comment)
    return request


def approval_cancel(*, actor, request_id: int) -> ApprovalRequest:
    with transaction.atomic():
        request = _locked(request_id)
        if request.requested_by_id != actor.pk:
            raise Forbidden("Only the requester can cancel a request.")
        if request.status != Status.PENDING:
            raise Conflict(f"Approval request {request.pk} is already {request.status}.")
        request.status = Status.CANCELLED
        request.decided_at = timezone.now()
        request.save(update_fields=["status", "decided_at"])
        _audit(actor, ApprovalsAction.REQUEST_CANCELLED, request)
    return request


def approvals_expire() -> int:
    """Mark overdue pending requests expired (beat); returns how many."""
    count = 0
    for pk in ApprovalRequest.objects.pending().filter(expires_at__lte=timezone.now()).values_list("pk", flat=True):
        with transaction.atomic():
            request = _locked(pk)
            if request.status == Status.PENDING and request.is_expired:
                request.status = Status.EXPIRED
                request.decided_at = timezone.now()
                request.save(update_fields=["status", "decided_at"])
                _audit("system:approvals", ApprovalsAction.REQUEST_EXPIRED, request)
                count += 1
    return count


def approval_policy_set(
    *, actor, action: str, required_approvals: int, approver_roles: list[str], expiry_hours: int
) -> ApprovalPolicy:
    """Create or change an action's policy (admin); requests already open keep the policy they were made under."""
    unknown = sorted(set(approver_roles) - set(ALL_ROLES))
    if unknown or not approver_roles:
        raise Invalid(
            f"Unknown or missing approver roles: {', '.join(unknown) or 'none given'}.",
            fields={"approver_roles": [f"Use some of: {', '.join(ALL_ROLES)}."]},
        )
    if required_approvals < 1 or expiry_hours < 1:
        raise Invalid("At least one approval and one hour.", fields={"required_approvals": ["At least 1."]})
    action = registry.canonical(action)  # a policy under a former name would never apply
    with transaction.atomic():
        policy, _ = ApprovalPolicy.objects.select_for_update().get_or_create(action=action)
        before = {
            "required_approvals": policy.required_approvals,
            "approver_roles": policy.approver_roles,
            "expiry_hours": policy.expiry_hours,
        }
        policy.required_approvals, policy.approver_roles = required_approvals, list(approver_roles)
        policy.expiry_hours = expiry_hours
        policy.save()
        event_record(
            actor=actor,
            action=ApprovalsAction.POLICY_CHANGED,
            subject_type="approvals.policy",
            subject_id=policy.pk,
            payload={
                "action": action,
                "before": before,
                "after": {
                    "required_approvals": required_approvals,
                    "approver_roles": list(approver_roles),
                    "expiry_hours": expiry_hours,
                },
            },
        )
    return policy
