"""Reconciliation's write path: import a statement and reconcile it, explain, resolve and escalate breaks.

A statement is parsed and checked whole before the transaction opens; inside it the
statement, the run, the breaks and their `found` events are written together with the
audit event, so a reconciliation exists complete or not at all.
"""

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from approvals.models import ApprovalRequest
from approvals.registry import Approvable
from approvals.services import approval_request_create
from audit import chain
from audit.services import actor_name, event_record
from book.values import moment
from core.errors import Conflict, Invalid, NotFound
from incidents.services import incident_declare

from . import selectors, statements
from .actions import ReconAction
from .compare import Tolerances, differences
from .models import Break, BreakEvent, BreakStatus, EventKind, Resolution, Run, Source, Statement

SUBJECT = "recon.break"
ORIGIN_PREFIX = "recon.break:"  # a correction proposed from a break carries origin "recon.break:<id>"


def tolerances() -> Tolerances:
    return Tolerances(
        quantity=Decimal(str(settings.RECON_QUANTITY_TOLERANCE)),
        price_pct=Decimal(str(settings.RECON_PRICE_TOLERANCE_PCT)),
    )


def statement_reconcile(*, actor, content: bytes, as_of, source: str = Source.API, filename: str = "") -> Run:
    """Check the statement whole, then store it and reconcile it with the book as of its time, in one transaction."""
    as_of = moment("as_of", as_of, default_now=False)
    lines = statements.parse(content)
    with transaction.atomic():
        now = timezone.now()
        statement = chain.append(
            Statement,
            received_at=now,
            received_by=actor_name(actor),
            source=source,
            filename=(filename or "")[:255],
            sha256=statements.digest(content),
            as_of=as_of,
            lines=[line.as_json() for line in lines],
        )
        limits = tolerances()
        compared, found = differences(lines, selectors.book_as_of(as_of), limits)
        run = chain.append(
            Run,
            statement=statement,
            ran_at=now,
            ran_by=actor_name(actor),
            as_of=as_of,
            tolerances=limits.as_json(),
            compared=compared,
            matched=compared - len({d.instrument for d in found}),
            breaks_found=len(found),
        )
        _breaks_record(run, found, actor, now)
        event_record(
            actor=actor,
            action=ReconAction.STATEMENT_RECONCILED,
            subject_type="recon.run",
            subject_id=run.pk,
            payload={
                "statement": statement.pk,
                "sha256": statement.sha256,
                "lines": len(lines),
                "as_of": as_of.isoformat(),
                "breaks": run.breaks_found,
                "source": source,
            },
        )
    return run


def _breaks_record(run: Run, found: list, actor, now: dt.datetime) -> None:
    owner = actor_name(actor)
    rows = Break.objects.bulk_create(
        [
            Break(
                run=run, instrument=d.instrument, kind=d.kind, book=d.book, broker=d.broker, owner=owner, opened_at=now
            )
            for d in found
        ]
    )
    BreakEvent.objects.bulk_create(
        [
            BreakEvent(
                brk=row,
                kind=EventKind.FOUND,
                at=now,
                actor=owner,
                detail={"kind": row.kind, "instrument": row.instrument, "book": row.book, "broker": row.broker},
            )
            for row in rows
        ]
    )


def _locked_break(break_id) -> Break:
    found = Break.objects.select_for_update().filter(pk=break_id).first()
    if found is None:
        raise NotFound(f"Break {break_id} does not exist.")
    return found


def _event(brk: Break, kind: str, actor, **detail) -> None:
    chain.append(BreakEvent, brk=brk, kind=kind, at=timezone.now(), actor=actor_name(actor), detail=detail)


def _check_open(brk: Break) -> None:
    if brk.status != BreakStatus.OPEN:
        raise Conflict(f"Break {brk.pk} is already {brk.status} ({brk.resolution}).", extra={"status": brk.status})


def break_explain(*, actor, break_id, explanation: str) -> ApprovalRequest:
    """Propose that the break needs no correction, and why; a second person accepts it (four eyes)."""
    if not isinstance(explanation, str) or not explanation.strip():
        raise Invalid("Say why the difference needs no correction.", fields={"explanation": ["Required."]})
    with transaction.atomic():
        brk = _locked_break(break_id)
        _check_open(brk)
        pending = ApprovalRequest.objects.pending().for_subject(SUBJECT, brk.pk).first()
        if pending is not None:
            raise Conflict(
                f"Explanation request {pending.pk} already covers break {brk.pk}; decide it first.",
                extra={"approval_id": pending.pk},
            )
        request = approval_request_create(
            actor=actor,
            action=BreakExplanation.name,
            payload={"break_id": brk.pk, "explanation": explanation.strip()},
            reason=explanation,
            subject_type=SUBJECT,
            subject_id=brk.pk,
        )
        _event(brk, EventKind.EXPLAINED, actor, approval=request.pk, explanation=explanation.strip())
        event_record(
            actor=actor,
            action=ReconAction.BREAK_EXPLAINED,
            subject_type=SUBJECT,
            subject_id=brk.pk,
            payload={"approval": request.pk},
        )
    return request


def _resolve(brk: Break, *, actor, resolution: str, approval_id: int, **detail) -> dict:
    _check_open(brk)
    brk.status, brk.resolution = BreakStatus.RESOLVED, resolution
    brk.resolved_at, brk.approval_id = timezone.now(), approval_id
    brk.save(update_fields=["status", "resolution", "resolved_at", "approval_id"])
    _event(brk, EventKind.RESOLVED, actor, resolution=resolution, approval=approval_id, **detail)
    payload = {"resolution": resolution, "approval": approval_id, **detail}
    event_record(
        actor=actor, action=ReconAction.BREAK_RESOLVED, subject_type=SUBJECT, subject_id=brk.pk, payload=payload
    )
    return {"break_id": brk.pk, **payload}


class BreakExplanation(Approvable):
    """A break explained rather than corrected (a fill in transit, a broker's rounding): accepted by a second person."""

    name = "recon.break_explanation"
    label = "Explanation of a reconciliation break"

    def validate(self, payload: dict) -> None:
        if not isinstance(payload, dict) or not str(payload.get("break_id", "")).isdigit():
            raise Invalid("An explanation needs break_id.", fields={"break_id": ["Required."]})

    def lock(self, request) -> None:
        Break.objects.select_for_update().filter(pk=int(request.payload["break_id"])).first()

    def execute(self, request: ApprovalRequest, *, actor) -> dict:
        brk = _locked_break(request.payload["break_id"])
        return _resolve(brk, actor=actor, resolution=Resolution.EXPLANATION, approval_id=request.pk)

    def describe(self, payload: dict) -> dict:
        brk = Break.objects.filter(pk=payload.get("break_id")).first()
        what = f"{brk.get_kind_display()} on {brk.instrument}" if brk else "a break that no longer exists"
        return {
            "summary": f"Accept the explanation of break {payload.get('break_id')} ({what}): no correction.",
            "steps": [f"Resolve the break as explained: {payload.get('explanation', '')}"],
            "pnl_effect": "0.00",
        }


def _origin_break(request: ApprovalRequest) -> Break | None:
    """The break a correction was proposed from, locked; None if it was not, or is gone."""
    origin = request.payload.get("origin") or ""
    if not origin.startswith(ORIGIN_PREFIX):
        return None
    return Break.objects.select_for_update().filter(pk=int(origin.removeprefix(ORIGIN_PREFIX))).first()


def break_correction_lock(*, request: ApprovalRequest) -> None:
    """book's correction lock: the break, before approving appends to a chain (as `break_explain` locks
    it before the approvals chain); taken after it, an explanation proposed meanwhile deadlocked."""
    _origin_break(request)


def break_correction_executed(*, request: ApprovalRequest, result: dict, actor) -> None:
    """book's correction hook: a correction proposed from a break resolves it, in the approving transaction."""
    brk = _origin_break(request)  # locked already, by `break_correction_lock`
    if brk is None or brk.status != BreakStatus.OPEN:
        return  # resolved meanwhile (an accepted explanation): the correction stands on its own
    _resolve(
        brk,
        actor=actor,
        resolution=Resolution.CORRECTION,
        approval_id=request.pk,
        correct_position_id=result.get("correct_position_id"),
    )


def breaks_escalate(*, actor="system:recon") -> list[int]:
    """Declare an incident for each open break older than RECON_BREAK_AGE_LIMIT_HOURS that has none yet."""
    limit = timezone.now() - dt.timedelta(hours=settings.RECON_BREAK_AGE_LIMIT_HOURS)
    overdue = Break.objects.unresolved().older_than(limit).filter(incident_id=None).values_list("pk", flat=True)
    declared = []
    for pk in list(overdue):
        with transaction.atomic():
            brk = _locked_break(pk)
            if brk.status != BreakStatus.OPEN or brk.incident_id is not None:
                continue
            incident = incident_declare(
                actor=actor,
                title=f"Reconciliation break #{brk.pk} unresolved: {brk.get_kind_display()} on {brk.instrument}",
                severity=settings.RECON_BREAK_INCIDENT_SEVERITY,
                symptoms=f"Open since {brk.opened_at:%Y-%m-%d %H:%M} UTC, owner {brk.owner}. "
                f"Book {brk.book}, broker {brk.broker}.",
            )
            brk.incident_id = incident.pk
            brk.save(update_fields=["incident_id"])
            _event(brk, EventKind.ESCALATED, actor, incident=incident.pk)
            event_record(
                actor=actor,
                action=ReconAction.BREAK_ESCALATED,
                subject_type=SUBJECT,
                subject_id=brk.pk,
                payload={"incident": incident.pk},
            )
            declared.append(incident.pk)
    return declared
