"""The trading day's page: today's two checklists, signed off item by item (thin: services do the work)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse

from core.errors import ServiceError
from core.roles import ALL_ROLES, has_role, role_page

from . import day as trading_day
from . import selectors, services
from .services import SIGNERS


@role_page(*SIGNERS, read=ALL_ROLES)
def today(request):
    day = trading_day.today()
    if request.method == "POST":
        try:
            item = int(request.POST.get("item", ""))
        except ValueError:
            item = 0
        try:
            services.item_sign(actor=request.user, day=day, checklist=request.POST.get("checklist", ""), item=item)
        except ServiceError as exc:
            messages.error(request, exc.detail)
        return redirect(reverse("desk:today"))
    context = {
        "title": "Trading day",
        "day": day,
        "trading": trading_day.is_trading_day(day),
        "checklists": selectors.checklists(day),
        "may_sign": has_role(request.user, *SIGNERS),
        "zone": trading_day.zone().key,
    }
    return render(request, "desk/today.html", context)
