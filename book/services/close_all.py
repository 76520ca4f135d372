"""Seed 003's emergency control, "Close all positions", as one act that waits for a second person.

The PM asks; when an approver agrees, every position still open is closed at its latest price (the
price a mark-to-market run would use now, else its last mark) in the approving transaction, with one
journal entry listing them. A position without any price makes the whole act fail: closing it at an
invented price would book a P&L nobody saw.
"""

from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from approvals.models import ApprovalRequest
from approvals.registry import Approvable
from approvals.services import approval_request_create
from audit.services import actor_name, event_record
from core.errors import Conflict, Invalid
from journal.services import journal_entry_add

from ..actions import BookAction
from ..models import Position
from ..selectors import closing_plan, plan_total
from .locks import lock_book_chain, lock_positions
from .positions import close_recorded

SUBJECT_TYPE, SUBJECT_ID = "book.book", "all"


def _unpriced(plan: list[dict]) -> list[str]:
    return sorted({row["position"].instrument.symbol for row in plan if row["price"] is None})


def _check_closable(plan: list[dict]) -> None:
    if not plan:
        raise Conflict("No position is open: there is nothing to close.")
    unpriced = _unpriced(plan)
    if unpriced:
        raise Conflict(
            f"No price is recorded for {', '.join(unpriced)}: record one (or run mark-to-market) first, "
            "so every position closes at a price someone saw.",
            extra={"unpriced": unpriced},
        )


def close_all_propose(*, actor, reason: str) -> ApprovalRequest:
    """Ask a second person to close the whole book; one such request at a time."""
    with transaction.atomic():
        waiting = ApprovalRequest.objects.pending().filter(expires_at__gt=timezone.now())  # overdue ones can't run
        pending = waiting.for_subject(SUBJECT_TYPE, SUBJECT_ID).filter(action=CloseAll.name).first()
        if pending is not None:
            raise Conflict(
                f"Request {pending.pk} to close all positions is already waiting; decide it first.",
                extra={"approval_id": pending.pk},
            )
        plan = closing_plan(list(Position.objects.open().select_related("instrument")))
        _check_closable(plan)
        return approval_request_create(
            actor=actor,
            action=CloseAll.name,
            payload={"open_at_request": len(plan)},
            reason=reason,
            subject_type=SUBJECT_TYPE,
            subject_id=SUBJECT_ID,
        )


def _journal_text(request: ApprovalRequest, plan: list[dict], total: Decimal, actor) -> str:
    lines = [
        f"- Position {row['position'].pk} ({row['position'].direction} {row['position'].size} "
        f"{row['position'].instrument.symbol}) closed at {row['price']}: realized P&L {row['realized_pnl']}"
        for row in plan
    ]
    return (
        f"**Emergency control: all {len(plan)} open positions closed** at their latest prices "
        f"(total realized P&L {total}).\n\n" + "\n".join(lines) + f"\n\nReason: {request.reason}\n"
        f"Requested by {actor_name(request.requested_by)}, approved by {actor_name(actor)} (approval #{request.pk})."
    )


class CloseAll(Approvable):
    """Close every open position at its latest price: four eyes, then one act (seed 003, Emergency Controls)."""

    name = "book.close_all"
    label = "Close all positions"

    def validate(self, payload: dict) -> None:
        if not isinstance(payload, dict):
            raise Invalid("A close-all request's payload is an object.", fields={"payload": ["An object."]})

    def lock(self, request) -> list[Position]:
        positions = lock_positions()  # every position open now; one opened later waits for this act
        lock_book_chain()
        return positions

    def execute(self, request: ApprovalRequest, *, actor) -> dict:
        """Close each position `lock` locked at its price, journal and audit the whole act."""
        plan = closing_plan(request.locked)
        _check_closable(plan)
        related = {"approval": request.pk}
        for row in plan:
            close_recorded(
                actor=actor, position=row["position"], exit_price=row["price"], notes="CLOSE ALL", related=related
            )
        total = plan_total(plan)
        entry = journal_entry_add(
            author=request.requested_by,
            entry_type="risk",
            content=_journal_text(request, plan, total, actor),
            links=[*(("position", row["position"].pk) for row in plan), ("approval", request.pk)],
            tags=["close-all", "emergency"],
            system=True,
        )
        result = {"positions_closed": len(plan), "realized_pnl": str(total), "journal_entry_id": entry.pk}
        event_record(
            actor=actor,
            action=BookAction.CLOSE_ALL_EXECUTED,
            subject_type=SUBJECT_TYPE,
            subject_id=SUBJECT_ID,
            payload={**result, "position_ids": [row["position"].pk for row in plan], "approval": request.pk},
        )
        return result

    def describe(self, payload: dict) -> dict:
        """What approving does now: the open positions, each one's closing price and P&L, and the total."""
        plan = closing_plan(list(Position.objects.open().select_related("instrument").order_by("pk")))
        total = plan_total(plan)
        unpriced = _unpriced(plan)
        steps = [
            f"Close each of the {len(plan)} open positions at its instrument's latest price.",
            "Write one journal entry listing every closed position and this approval.",
        ]
        if unpriced:
            steps.append(f"Refused while {', '.join(unpriced)} has no price: the approval would fail.")
        return {
            "summary": f"Close all {len(plan)} open positions (realized P&L {total}).",
            "steps": steps,
            "pnl_effect": str(total),
            "positions": [
                {
                    "id": row["position"].pk,
                    "text": f"{row['position'].direction} {row['position'].size} {row['position'].instrument.symbol}",
                    "effect": "no price: cannot close"
                    if row["price"] is None
                    else f"closed at {row['price'].normalize():f}: realized P&L {row['realized_pnl']}",
                }
                for row in plan
            ],
        }
