"""Workflow pages of reconciliation: upload a statement, see runs and breaks, resolve a break (thin: services work)."""

from urllib.parse import urlencode

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from core.errors import ServiceError
from core.roles import ALL_ROLES, OPS, PM, has_role, role_page

from . import selectors, services, statements
from .forms import ExplanationForm, StatementForm
from .models import Break, BreakStatus, Run, Source

PAGE_ROWS = 200


@role_page(PM, OPS, read=ALL_ROLES)
def home(request):
    """The latest runs, the open breaks, and the upload form."""
    form = StatementForm()
    if request.method == "POST":
        form = StatementForm(request.POST, request.FILES)
        run = _reconcile(request, form) if form.is_valid() else None
        if run is not None:
            messages.success(request, f"Statement reconciled (run #{run.pk}): {run.breaks_found} break(s).")
            return redirect(f"{reverse('recon:home')}?run={run.pk}")
    run_id = request.GET.get("run", "")
    breaks = selectors.breaks(
        status=None if run_id.isdigit() else BreakStatus.OPEN, run=run_id if run_id.isdigit() else None
    )
    context = {
        "title": "Broker reconciliation",
        "form": form,
        "runs": Run.objects.select_related("statement").order_by("-pk")[:20],
        "breaks": list(breaks[:PAGE_ROWS]),
        "run": run_id if run_id.isdigit() else "",
        "limit": PAGE_ROWS,
        "may_write": has_role(request.user, PM, OPS),
    }
    return render(request, "recon/home.html", context, status=400 if form.errors else 200)


def _reconcile(request, form: StatementForm) -> Run | None:
    upload = form.cleaned_data["file"]
    try:
        statements.check_size(upload.size)  # before the file is read into memory
        return services.statement_reconcile(
            actor=request.user,
            content=upload.read(),
            as_of=form.cleaned_data["as_of"],
            source=Source.UPLOAD,
            filename=upload.name,
        )
    except ServiceError as exc:
        form.add_error("file", [exc.detail, *(f"{where}: {' '.join(m)}" for where, m in exc.fields.items())][:21])
        return None


@role_page(PM, OPS, read=ALL_ROLES)
def break_detail(request, pk: int):
    """One break: both sides, its history, and the two ways to resolve it."""
    brk = get_object_or_404(Break.objects.select_related("run"), pk=pk)
    form = ExplanationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            approval = services.break_explain(
                actor=request.user, break_id=brk.pk, explanation=form.cleaned_data["explanation"]
            )
        except ServiceError as exc:
            form.add_error(None, exc.detail)
        else:
            messages.success(request, f"Explanation sent for acceptance (request #{approval.pk}).")
            return redirect(reverse("approvals:detail", args=[approval.pk]))
    context = {
        "title": f"Break #{brk.pk}",
        "brk": brk,
        "events": brk.events.all(),
        "form": form,
        "correct_url": _correction_url(brk),
        "may_write": has_role(request.user, PM, OPS),
    }
    return render(request, "recon/break.html", context, status=400 if form.errors else 200)


def _correction_url(brk: Break) -> str:
    """The correction wizard, pre-filled with the broker's values and pointing back at the break."""
    position = brk.correctable_position()
    if position is None or brk.status != BreakStatus.OPEN:
        return ""
    query = {
        "q": position,
        "direction": brk.broker["direction"],
        "size": brk.broker["quantity"],
        "entry_price": brk.broker["average_price"],
        "reason": f"Reconciliation break #{brk.pk} ({brk.get_kind_display()}): the broker's statement as of "
        f"{brk.run.as_of:%Y-%m-%d %H:%M} UTC shows {brk.broker['direction']} {brk.broker['quantity']} "
        f"@ {brk.broker['average_price']}.",
        "origin": f"{services.ORIGIN_PREFIX}{brk.pk}",
    }
    return f"{reverse('book:correction-wizard')}?{urlencode(query)}"
