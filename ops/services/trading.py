"""The trading kill switch (seed 003 "Emergency Stop Trading").

Halting is the one emergency action one person may take alone (DESIGN.md principle 4);
resuming goes through a four-eyes approval whose executor appends the resume. Both
flips are serialized on the switch's chain lock, audited, journaled, put on the timeline
of every open incident, and drop the cached state when the transaction commits.
"""

from django.db import transaction
from django.utils import timezone

from approvals.models import ApprovalRequest
from approvals.registry import Approvable
from approvals.services import approval_request_create
from audit import chain
from audit.services import actor_name, event_record
from core.errors import Conflict, Invalid
from incidents.models import Incident
from incidents.services import incident_event_add
from journal.services import journal_entry_add

from .. import cache as ops_cache
from ..actions import OpsAction
from ..models import TradingChange


def _current() -> TradingChange | None:
    return TradingChange.objects.filter(chain=TradingChange.DEFAULT_CHAIN).order_by("-seq").first()


def _clean_reason(reason) -> str:
    if not isinstance(reason, str) or not reason.strip():
        raise Invalid("A reason is required.", fields={"reason": ["Say why trading is halted or resumed."]})
    return reason.strip()


def _on_open_incidents(actor, text: str) -> None:
    for incident in Incident.objects.open().order_by("pk"):
        incident_event_add(actor=actor, incident=incident, kind="action", text=text)


def _flip(*, actor, enabled: bool, reason: str, approval_id: int | None = None) -> TradingChange:
    change = chain.append(
        TradingChange,
        enabled=enabled,
        reason=reason,
        actor=actor_name(actor),
        changed_at=timezone.now(),
        approval_id=approval_id,
    )
    verb = "resumed" if enabled else "halted"
    event_record(
        actor=actor,
        action=OpsAction.TRADING_RESUMED if enabled else OpsAction.TRADING_HALTED,
        subject_type="ops.trading",
        subject_id=change.pk,
        payload={"reason": reason, "approval_id": approval_id, "hash": change.hash},
    )
    journal_entry_add(
        author=actor, entry_type="decision", content=f"Trading {verb}: {reason}", tags=["trading"], system=True
    )
    _on_open_incidents(actor, f"Trading {verb} by {actor_name(actor)}: {reason}")
    transaction.on_commit(lambda: ops_cache.forget(ops_cache.TRADING_KEY))
    return change


def trading_halt(*, actor, reason: str) -> TradingChange:
    """Stop trading at once. Halting a halted book is a conflict naming the standing halt."""
    reason = _clean_reason(reason)
    with transaction.atomic():
        chain.lock_chain(TradingChange, TradingChange.DEFAULT_CHAIN)
        current = _current()
        if current is not None and not current.enabled:
            raise Conflict(
                f"Trading is already halted since {current.changed_at.isoformat()} by {current.actor}: "
                f"{current.reason}",
                code="trading_halted",
            )
        return _flip(actor=actor, enabled=False, reason=reason)


def _pending_resume() -> ApprovalRequest | None:
    return ApprovalRequest.objects.pending().filter(action=TradingResume.name).order_by("-pk").first()


def trading_resume_request(*, actor, reason: str) -> ApprovalRequest:
    """Ask for trading to resume; it resumes when a second person approves."""
    reason = _clean_reason(reason)
    with transaction.atomic():
        chain.lock_chain(TradingChange, TradingChange.DEFAULT_CHAIN)
        current = _current()
        if current is None or current.enabled:
            raise Conflict("Trading is not halted; there is nothing to resume.", code="trading_enabled")
        pending = _pending_resume()
        if pending is not None:
            raise Conflict(
                f"Approval request {pending.pk} to resume trading is already waiting.",
                code="resume_pending",
                extra={"approval_id": pending.pk},
            )
        return approval_request_create(
            actor=actor,
            action=TradingResume.name,
            payload={"halt_seq": current.seq},
            reason=reason,
            subject_type="ops.trading",
            subject_id=current.pk,
        )


class TradingResume(Approvable):
    """Resuming trading after a halt: a second person approves, and the halt it lifts must still stand."""

    name = "ops.trading_resume"
    label = "Resume trading"

    def validate(self, payload: dict) -> None:
        if not isinstance(payload, dict) or not isinstance(payload.get("halt_seq"), int):
            raise Invalid("payload.halt_seq (the halt being lifted) is required.", fields={"halt_seq": ["Required."]})

    def lock(self, request: ApprovalRequest) -> None:
        """The switch's chain before the approvals chains, in the order asking to resume took them."""
        chain.lock_chain(TradingChange, TradingChange.DEFAULT_CHAIN)

    def execute(self, request: ApprovalRequest, *, actor) -> dict:
        """Resume, provided the halt being lifted is still the standing one (`lock` holds the switch)."""
        current = _current()
        if current is None or current.enabled or current.seq != request.payload.get("halt_seq"):
            raise Conflict("Trading state changed since the request; the halt it lifts is no longer standing.")
        change = _flip(actor=actor, enabled=True, reason=request.reason, approval_id=request.pk)
        return {"trading_change_id": change.pk, "resumed_at": change.changed_at.isoformat()}

    def describe(self, payload: dict) -> dict:
        """What the approver weighs: the halt this request lifts (when, by whom, why) and the incidents still open."""
        halt = TradingChange.objects.filter(chain=TradingChange.DEFAULT_CHAIN, seq=payload.get("halt_seq")).first()
        incidents = [
            {"id": i.pk, "title": i.title, "severity": i.severity, "status": i.status}
            for i in Incident.objects.open().order_by("severity", "pk")
        ]
        if halt is None:
            return {"halt": None, "incidents": incidents}
        standing = _current()
        return {
            "summary": f"Resume trading, halted by {halt.actor}: {halt.reason}",
            "steps": [
                "Re-enable trading: new positions may be opened again.",
                "Journal the resume and note it on the timeline of every open incident.",
            ],
            "halt": {
                "since": halt.changed_at.isoformat(),
                "by": halt.actor,
                "reason": halt.reason,
                "standing": standing is not None and standing.seq == halt.seq,
            },
            "incidents": incidents,
        }
