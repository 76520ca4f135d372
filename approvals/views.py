"""The approvals queue: every pending request, rendered through its action's `describe(payload)`."""

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render

from core.errors import ServiceError
from core.roles import ALL_ROLES, has_role, role_page

from . import selectors, services
from .models import Status


class DecisionForm(forms.Form):
    verdict = forms.ChoiceField(choices=[("approve", "Approve"), ("reject", "Reject")])
    comment = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=5000)


@role_page(*ALL_ROLES)
def queue(request):
    status = request.GET.get("status", Status.PENDING)
    if status not in Status.values and status != "all":
        status = Status.PENDING
    qs = selectors.requests().order_by("-pk")
    rows = list((qs if status == "all" else qs.filter(status=status))[:200])
    items = [{"request": r, "label": selectors.label(r.action), "preview": selectors.preview(r)} for r in rows]
    context = {"title": "Approvals", "items": items, "status": status, "statuses": ["all", *Status.values]}
    return render(request, "approvals/queue.html", context)


@role_page(*ALL_ROLES)
def detail(request, pk: int):
    approval = selectors.requests().filter(pk=pk).first()
    if approval is None:
        raise Http404(f"No approval request {pk}.")
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            _decide(request, pk, form.cleaned_data)
        except ServiceError as exc:
            form.add_error("comment" if "comment" in exc.fields else None, exc.detail)
        else:
            return redirect("approvals:detail", pk=pk)
    context = {
        "title": f"Approval request #{pk}",
        "approval": approval,
        "label": selectors.label(approval.action),
        "preview": selectors.preview(approval),
        "form": form,
        "can_decide": approval.status == Status.PENDING
        and approval.requested_by_id != request.user.pk
        and has_role(request.user, *approval.approver_roles),
        "can_cancel": approval.status == Status.PENDING and approval.requested_by_id == request.user.pk,
    }
    return render(request, "approvals/detail.html", context, status=400 if form.errors else 200)


def _decide(request, pk: int, data: dict) -> None:
    verdict, comment = data["verdict"], data.get("comment", "")
    if verdict == "approve":
        result = services.approval_approve(actor=request.user, request_id=pk, comment=comment)
        messages.success(request, f"Request #{pk} approved: {result.status}.")
    else:
        services.approval_reject(actor=request.user, request_id=pk, comment=comment)
        messages.success(request, f"Request #{pk} rejected.")


@role_page(*ALL_ROLES)
def cancel(request, pk: int):
    if request.method != "POST":
        return redirect("approvals:detail", pk=pk)
    try:
        services.approval_cancel(actor=request.user, request_id=pk)
        messages.success(request, f"Request #{pk} cancelled.")
    except ServiceError as exc:
        messages.error(request, exc.detail)
    return redirect("approvals:detail", pk=pk)
