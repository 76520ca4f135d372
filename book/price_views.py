"""The prices and marks page: prices with their checks, exceptions, requests waiting for four eyes, MTM runs;
and the forms a PM (or Ops) uses to give a manual price or an MTM override (thin: services decide)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.dateparse import parse_datetime
from django.views.decorators.http import require_POST

from approvals.models import ApprovalRequest
from core.errors import ServiceError
from core.roles import ALL_ROLES, OPS, PM, page_allows, role_page

from . import selectors, services
from .forms import PriceForm, PriceListFilter
from .models import MtmRun, PriceException
from .services.marks import MtmApproval
from .services.prices import clean_prices

PRICE_ROWS = 200
RUN_ROWS = 20
PRICE_ACTIONS = (services.ManualPrice.name, services.PriceOverride.name, MtmApproval.name)


@role_page(*ALL_ROLES)
def prices_page(request):
    return _page(request)


def _page(request, *, manual: PriceForm | None = None, override: PriceForm | None = None, status: int = 200):
    instrument = request.GET.get("instrument") or None
    initial = {"instrument": instrument} if instrument else None
    context = {
        "title": "Prices and marks",
        **_prices(PriceListFilter(request.GET or None)),
        "exceptions": PriceException.objects.open().select_related("instrument", "price").order_by("-pk"),
        "pending": ApprovalRequest.objects.pending().filter(action__in=PRICE_ACTIONS).order_by("-pk"),
        "runs": [_run(run) for run in MtmRun.objects.order_by("-pk")[:RUN_ROWS]],
        "manual": manual or PriceForm(prefix="manual", initial=initial),
        "override": override or PriceForm(prefix="override", initial=initial),
        "may_manual": page_allows(request.user, "book:manual-price", "POST"),
        "may_mark": page_allows(request.user, "book:mtm-run", "POST"),
    }
    return render(request, "book/prices.html", context, status=status)


def _prices(form: PriceListFilter) -> dict:
    rows = selectors.prices()
    if form.is_bound and not form.is_valid():
        rows = rows.none()
    elif form.is_bound:
        data = form.cleaned_data
        rows = rows.filter(instrument=data["instrument"]) if data["instrument"] else rows
        rows = {"usable": rows.usable(), "held": rows.held()}.get(data["status"], rows)
    return {"filter": form, "prices": list(rows[:PRICE_ROWS]), "limit": PRICE_ROWS}


def _run(run: MtmRun) -> MtmRun:
    """The run with its prices used as rows, their moments as datetimes for the `when` filter."""
    run.used = [
        {"symbol": symbol, **used, "as_of": parse_datetime(used.get("as_of") or "")}
        for symbol, used in sorted(run.prices.items())
    ]
    return run


@role_page(PM, OPS)
@require_POST
def manual_price(request):
    """A price typed in the browser is always a manual price, whoever types it: four eyes."""
    form = PriceForm(request.POST, prefix="manual")
    if form.is_valid():
        try:
            approval = services.manual_price_propose(
                actor=request.user, prices=clean_prices([form.price_item()]), reason=form.cleaned_data["reason"]
            )
        except ServiceError as exc:
            form.add_service_error(exc)
        else:
            return _sent(request, approval, "Manual price")
    return _page(request, manual=form, status=400)


@role_page(PM)
@require_POST
def price_override(request):
    form = PriceForm(request.POST, prefix="override")
    if form.is_valid():
        item = form.price_item()
        try:
            approval = services.price_override_propose(
                actor=request.user,
                manual_prices={item["instrument"]: item["price"]},
                reason=form.cleaned_data["reason"],
                source=item["source"],
            )
        except ServiceError as exc:
            form.add_service_error(exc)
        else:
            return _sent(request, approval, "MTM override")
    return _page(request, override=form, status=400)


@role_page(PM)
@require_POST
def mtm_run(request):
    try:
        result = services.mtm_run(actor=request.user)
    except ServiceError as exc:
        messages.error(request, exc.detail)
        return redirect(reverse("book:prices"))
    if isinstance(result, ApprovalRequest):
        return _sent(request, result, "The run moves P&L beyond the threshold: it")
    messages.success(request, f"MTM run #{result.pk} marked {result.positions_marked} position(s).")
    return redirect(f"{reverse('book:prices')}#run-{result.pk}")


def _sent(request, approval: ApprovalRequest, what: str):
    messages.success(request, f"{what} sent for approval (request #{approval.pk}). A second person must approve it.")
    return redirect(reverse("approvals:detail", args=[approval.pk]))
