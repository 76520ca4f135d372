"""The compensating correction: proposed by a PM, executed as one act when a second person approves.

Executed in the approving transaction: the incorrect position is closed at its entry price
(realized P&L exactly 0), the correct one is opened, and a `correction` journal entry links
both positions and the approval. Nothing of the wrong record is changed or removed.
"""

import re
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from approvals.models import ApprovalRequest
from approvals.registry import Approvable
from approvals.services import approval_request_create
from audit.services import actor_name, event_record
from core.errors import Conflict, Invalid
from journal.services import journal_entry_add

from .. import guards
from ..actions import BookAction
from ..models import LedgerKind, Position, PositionStatus
from ..selectors import latest_price
from .locks import lock_book_chain, lock_positions
from .positions import clean_facts, close_recorded, locked_position, open_recorded

SUBJECT = "book.position"
# Where a correction came from, as "app.kind:id" (e.g. "recon.break:12"): carried to the hooks.
ORIGIN = re.compile(r"^[a-z_]+\.[a-z_]+:[0-9]{1,18}$")
FACTS = ("instrument", "direction", "size", "entry_price", "stop_price")


def facts_of(position: Position) -> dict:
    return {
        "instrument": position.instrument.symbol,
        "direction": position.direction,
        "size": str(position.size),
        "entry_price": str(position.entry_price),
        "stop_price": None if position.stop_price is None else str(position.stop_price),
    }


PLACES = {"size": Decimal("0.0001"), "entry_price": Decimal("0.000001"), "stop_price": Decimal("0.000001")}


def _plain_facts(facts: dict) -> dict:
    """As `facts_of` writes them (the columns' decimal places), so wrong and right compare exactly."""
    plain = {"instrument": facts["instrument"].symbol, "direction": facts["direction"]}
    for name, places in PLACES.items():
        plain[name] = None if facts[name] is None else str(facts[name].quantize(places))
    return plain


def correction_preview(*, position_id, correct: dict) -> dict:
    """What the approval will do, checked now: the wrong and right facts and the three steps."""
    with transaction.atomic():
        return _preview(position_id, correct)


def _preview(position_id, correct: dict) -> dict:
    """`correction_preview` in the caller's transaction (the position stays locked until it ends)."""
    position = locked_position(position_id)
    _check_correctable(position)
    right = _clean_correct(correct)
    if right == facts_of(position):
        raise Invalid(
            "The correct values equal the recorded ones: there is nothing to correct.",
            fields={"correct": ["Change at least one value."]},
        )
    return {"position_id": position.pk, "wrong": facts_of(position), "correct": right}


def _clean_correct(correct) -> dict:
    if not isinstance(correct, dict):
        raise Invalid(
            "correct must be an object with the correct position's values.",
            fields={"correct": ["An object is required."]},
        )
    return _plain_facts(clean_facts(correct))


def _check_correctable(position: Position) -> None:
    if position.status != PositionStatus.OPEN:
        raise Conflict(
            f"Position {position.pk} is closed; only an open position can be corrected.",
            extra={"status": position.status},
        )
    waiting = ApprovalRequest.objects.pending().filter(expires_at__gt=timezone.now())  # overdue ones can't execute
    pending = waiting.for_subject(SUBJECT, position.pk).filter(action=Correction.name).first()
    if pending is not None:
        raise Conflict(
            f"Correction request {pending.pk} already covers position {position.pk}; decide it first.",
            extra={"approval_id": pending.pk},
        )


def _clean_origin(origin: str) -> str:
    if origin and not ORIGIN.match(origin):
        raise Invalid(
            f"origin {origin[:80]!r} is not a reference like recon.break:12.", fields={"origin": ["Not a reference."]}
        )
    return origin


def correction_propose(*, actor, position_id, reason: str, correct: dict, origin: str = "") -> ApprovalRequest:
    """Ask for a second person's approval; the position row is locked so one proposal wins a race.

    `origin` names what found the error (a reconciliation break): the correction hooks learn it
    when the correction executes."""
    origin = _clean_origin(origin)
    with transaction.atomic():
        payload = _preview(position_id, correct)
        if origin:
            payload["origin"] = origin
        return approval_request_create(
            actor=actor,
            action=Correction.name,
            payload=payload,
            reason=reason,
            subject_type=SUBJECT,
            subject_id=payload["position_id"],
        )


def _journal_text(request, wrong: Position, right: Position, actor) -> str:
    return (
        f"Position {wrong.pk} was recorded incorrectly ({_describe_facts(facts_of(wrong))}). "
        f"Closed at entry price for zero P&L. Correct position opened as {right.pk} "
        f"({_describe_facts(facts_of(right))}).\nReason: {request.reason}\n"
        f"Proposed by {actor_name(request.requested_by)}, approved by {actor_name(actor)} (approval #{request.pk})."
    )


def _describe_facts(facts: dict) -> str:
    stop = f", stop {facts['stop_price']}" if facts.get("stop_price") else ""
    return f"{facts['direction']} {facts['size']} {facts['instrument']} @ {facts['entry_price']}{stop}"


def _book_mark(wrong: Position, instrument) -> Decimal | None:
    """The price the new leg is marked at: the wrong leg's own mark on the same instrument (what the book
    shows now), else the instrument's latest price; so a P&L-neutral correction moves no P&L."""
    if wrong.instrument_id == instrument.pk and wrong.current_price is not None:
        return wrong.current_price
    price = latest_price(instrument.symbol)
    return price.price if price else None


class Correction(Approvable):
    """A compensating correction of an open position (seed 004 scenario 3): four eyes, then one act."""

    name = "book.correction"
    label = "Compensating correction of a position"

    def validate(self, payload: dict) -> None:
        if not isinstance(payload, dict) or "position_id" not in payload:
            raise Invalid("A correction needs position_id and correct.", fields={"position_id": ["Required."]})
        _clean_correct(payload.get("correct"))

    def lock(self, request) -> None:
        lock_positions([request.payload["position_id"]])  # not its instrument: the new leg only references one
        for lock in guards.correction_locks():  # the rows its hooks change (recon's break)
            lock(request=request)
        lock_book_chain()

    def execute(self, request: ApprovalRequest, *, actor) -> dict:
        """Close wrong at entry (P&L 0), open right, journal the trail; one transaction."""
        wrong = locked_position(request.payload["position_id"])
        if wrong.status != PositionStatus.OPEN:
            raise Conflict(f"Position {wrong.pk} was closed since the request; nothing was corrected.")
        facts = clean_facts(request.payload["correct"])
        related = {"approval": request.pk, "corrects": wrong.pk}
        mark = _book_mark(wrong, facts["instrument"])
        wrong = close_recorded(
            actor=actor,
            position=wrong,
            exit_price=wrong.entry_price,
            kind=LedgerKind.CORRECTION,
            notes="CORRECTION: Closing incorrect position entry",
            related={"approval": request.pk},
        )
        right = open_recorded(
            actor=actor,
            facts=facts,
            kind=LedgerKind.CORRECTION,
            related=related,
            corrects=wrong,
            notes=f"CORRECTION of position {wrong.pk} (approval #{request.pk})",
            mark=mark,
        )
        entry = journal_entry_add(
            author=request.requested_by,
            entry_type="correction",
            content=_journal_text(request, wrong, right, actor),
            links=[("position", wrong.pk), ("position", right.pk), ("approval", request.pk)],
            tags=["correction"],
            system=True,
        )
        result = {
            "incorrect_position_id": wrong.pk,
            "correct_position_id": right.pk,
            "journal_entry_id": entry.pk,
            "realized_pnl": str(wrong.realized_pnl),
        }
        event_record(
            actor=actor,
            action=BookAction.CORRECTION_EXECUTED,
            subject_type=SUBJECT,
            subject_id=wrong.pk,
            payload={**result, "requested_by": actor_name(request.requested_by)},
        )
        for hook in guards.correction_hooks():
            hook(request=request, result=result, actor=actor)
        return result

    def describe(self, payload: dict) -> dict:
        """The approver's preview: the three steps, their P&L effect, and wrong vs right."""
        wrong, right = payload.get("wrong", {}), payload.get("correct", {})
        pid = payload.get("position_id")
        origin = f" (from {payload['origin']})" if payload.get("origin") else ""
        return {
            "summary": f"Correct position {pid}: {_describe_facts(wrong)} → {_describe_facts(right)}{origin}.",
            "steps": [
                f"Close position {pid} at its entry price {wrong.get('entry_price')}: realized P&L 0.00.",
                "Write a correction journal entry linking both positions and this approval.",
                f"Open the correct position: {_describe_facts(right)}.",
            ],
            "pnl_effect": "0.00",
            "positions": [{"id": pid, "text": _describe_facts(wrong), "effect": "closed at entry: realized P&L 0.00"}],
            "diff": [
                {"field": k, "wrong": wrong.get(k), "right": right.get(k), "changed": wrong.get(k) != right.get(k)}
                for k in FACTS
            ],
        }
