"""Workflow pages of the book: the position book and the correction wizard (thin: services do the work)."""

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from core.errors import ServiceError
from core.roles import ALL_ROLES, PM, role_page

from . import selectors, services
from .forms import BookFilter, CloseAllForm, ClosePositionForm, CorrectionForm, FindPosition, OpenPositionForm
from .models import Position
from .services.corrections import Correction, facts_of

PAGE_ROWS = 500


@role_page(*ALL_ROLES)
def positions_page(request):
    form = BookFilter(request.GET or None)
    rows, as_of = [], None
    if form.is_bound and not form.is_valid():
        rows = []
    else:
        data = form.cleaned_data if form.is_bound else {}
        as_of = data.get("as_of")
        instrument = data.get("instrument")
        qs = selectors.positions(
            status=data.get("status") or None, instrument=instrument.symbol if instrument else None, as_of=as_of
        )
        rows = list(qs[:PAGE_ROWS])
        rows = selectors.apply_as_of(rows) if as_of else rows
    pending = selectors.pending_corrections([p.pk for p in rows])
    for row in rows:
        row.pending_correction = pending.get(row.pk)
    context = {
        "title": "Position book",
        "form": form,
        "rows": rows,
        "as_of": as_of,
        "limit": PAGE_ROWS,
        "totals": selectors.totals(rows),
        "state": selectors.portfolio_state(),
        "currency": _currency(rows),
    }
    return render(request, "book/positions.html", context)


def _currency(rows) -> str:
    currencies = {p.instrument.currency for p in rows}
    return currencies.pop() if len(currencies) == 1 else settings.BOOK_CURRENCY


@role_page(PM)
def correction_wizard(request):
    """Find the position, enter the correct values and the reason, preview the three steps, submit."""
    finder = FindPosition(request.GET or None)
    position, matches = _found(finder)
    if position is None:
        return render(
            request, "book/correction_find.html", {"title": "Correct a position", "finder": finder, "matches": matches}
        )
    if request.method != "POST":
        form = CorrectionForm(initial={**facts_of(position), "reason": "", **_prefill(request.GET)})
        return _wizard(request, position, form)
    form = CorrectionForm(request.POST)
    if not form.is_valid():
        return _wizard(request, position, form)
    try:
        if request.POST.get("step") != "submit":
            payload = services.correction_preview(position_id=position.pk, correct=form.correct())
            if not form.cleaned_data["reason"].strip():
                form.add_error("reason", "Say why the position is wrong.")
                return _wizard(request, position, form)
            return _wizard(request, position, form, preview=Correction().describe(payload))
        approval = services.correction_propose(
            actor=request.user,
            position_id=position.pk,
            reason=form.cleaned_data["reason"],
            correct=form.correct(),
            origin=form.cleaned_data["origin"],
        )
    except ServiceError as exc:
        form.add_service_error(exc)
        return _wizard(request, position, form)
    messages.success(
        request, f"Correction sent for approval (request #{approval.pk}). A second person must approve it."
    )
    return redirect(reverse("approvals:detail", args=[approval.pk]))


def _prefill(query) -> dict:
    """Values another page proposes (a reconciliation break: the broker's quantity, side and price)."""
    return {name: query[name] for name in CorrectionForm.base_fields if query.get(name)}


def _found(finder: FindPosition) -> tuple[Position | None, list[Position]]:
    if not finder.is_valid():
        return None, []
    q = finder.cleaned_data["q"].strip()
    if q.isdigit():
        position = Position.objects.select_related("instrument").filter(pk=int(q)).first()
        if position is None:
            finder.add_error("q", f"No position {q}.")
        return position, []
    matches = list(Position.objects.open().for_instrument(q.upper()).select_related("instrument").order_by("-pk")[:50])
    if not matches:
        finder.add_error("q", f"No open position on {q.upper()}.")
    return None, matches


def _wizard(request, position: Position, form: CorrectionForm, preview: dict | None = None):
    context = {"title": f"Correct position {position.pk}", "position": position, "form": form, "preview": preview}
    return render(request, "book/correction_wizard.html", context, status=400 if form.errors else 200)


def _in_book(position: Position) -> str:
    return f"{reverse('book:positions')}#position-{position.pk}"


@role_page(PM)
def open_position(request):
    """Open a position: the service checks every fact, and its refusal lands on every field it names."""
    form = OpenPositionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            position = services.position_open(actor=request.user, notes=form.cleaned_data["notes"], **form.facts())
        except ServiceError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, f"Position {position.pk} opened: {position}.")
            return redirect(_in_book(position))
    context = {"title": "Open a position", "form": form}
    return render(request, "book/open.html", context, status=400 if form.errors else 200)


@role_page(PM)
def close_position(request, pk: int):
    """Close one position at the price the PM types (suggested: its latest price); a confirmed, final act."""
    position = Position.objects.select_related("instrument").filter(pk=pk).first()
    if position is None:
        raise Http404(f"No position {pk}.")
    suggested = selectors.closing_plan([position])[0]
    form = ClosePositionForm(request.POST or None, initial={"exit_price": suggested["price"]})
    if request.method == "POST" and form.is_valid():
        try:
            closed = services.position_close(
                actor=request.user,
                position_id=pk,
                exit_price=form.cleaned_data["exit_price"] or None,
                notes=form.cleaned_data["notes"],
                reason=form.cleaned_data["reason"],
            )
        except ServiceError as exc:
            form.add_service_error(exc)
        else:
            if isinstance(closed, Position):
                messages.success(request, f"Position {pk} closed.")
                return redirect(_in_book(position))
            messages.success(
                request, f"The exit price is away from the market: request #{closed.pk} waits for a second person."
            )
            return redirect(reverse("approvals:detail", args=[closed.pk]))
    context = {"title": f"Close position {pk}", "position": position, "form": form, "suggested": suggested}
    return render(request, "book/close.html", context, status=400 if form.errors else 200)


@role_page(PM)
def close_all(request):
    """Seed 003's emergency control: shows what closing the whole book books now, then asks a second person."""
    form = CloseAllForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            approval = services.close_all_propose(actor=request.user, reason=form.cleaned_data["reason"])
        except ServiceError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, f"Close all positions sent for approval (request #{approval.pk}).")
            return redirect(reverse("approvals:detail", args=[approval.pk]))
    plan = selectors.closing_plan(list(Position.objects.open().select_related("instrument").order_by("pk")))
    context = {
        "title": "Close all positions",
        "form": form,
        "plan": plan,
        "total": selectors.plan_total(plan),
        "currency": _currency([row["position"] for row in plan]),
    }
    return render(request, "book/close_all.html", context, status=400 if form.errors else 200)
