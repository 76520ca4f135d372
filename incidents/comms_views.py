"""Pages of paging and communications: the acknowledge link of a page, the war room's status update form.

The acknowledge page needs no login: the signed token is the credential, good once. GET only
shows what would be acknowledged (mail scanners follow links); the button POSTs.
"""

from django.contrib import messages
from django.core import signing
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from core.errors import ServiceError
from core.roles import INCIDENT_COMMANDER, OPS, role_page

from . import outbox, services
from .models import Incident


@require_http_methods(["GET", "POST"])
def acknowledge_link(request, token: str):
    """400 for a forged or expired link, 409 for a used one, else the button and then the outcome."""
    try:
        delivery = outbox.delivery_from_token(token)
    except signing.BadSignature:  # SignatureExpired is one too
        delivery = None
    context = {"title": "Acknowledge a page", "delivery": delivery, "incident": delivery and delivery.incident}
    if delivery is None or not delivery.acknowledge_link:
        context["problem"] = "This acknowledge link is invalid or has expired. Open the war room to acknowledge."
        return render(request, "incidents/acknowledge.html", context, status=400)
    if delivery.link_used_at:
        context["problem"] = "This acknowledge link was already used; each link works once."
        return render(request, "incidents/acknowledge.html", context, status=409)
    if request.method == "POST":
        try:
            context["outcome"] = services.page_link_use(delivery=delivery)
        except ServiceError as exc:
            context["problem"] = exc.detail
            return render(request, "incidents/acknowledge.html", context, status=exc.status_code)
        context["incident"].refresh_from_db()
    return render(request, "incidents/acknowledge.html", context)


@role_page(INCIDENT_COMMANDER, OPS)
@require_POST
def status_update_add(request, pk: int):
    incident = get_object_or_404(Incident, pk=pk)
    try:
        services.status_update_post(actor=request.user, incident=incident, text=request.POST.get("text", ""))
    except ServiceError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, "Status update published to stakeholders.")
    return redirect("incidents:war-room", pk=incident.pk)
