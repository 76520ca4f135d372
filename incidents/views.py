"""Workflow pages: the incident list (filters, declare, overdue follow-ups), the war room, metrics.

Thin: each POST calls the same service as the API; a refused write comes back as a message
on the page, never a 500.
"""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from core.errors import ServiceError
from core.roles import ALL_ROLES, INCIDENT_COMMANDER, OPS, WRITERS, has_role, role_page

from . import charts, selectors, services
from .models import FollowUpStatus, Incident, PostMortem, RoleName, Runbook, Severity, SeverityCode, Status
from .records import postmortem_markdown, starred_events
from .services import followups, postmortems, resolution, runbooks

PAGE = 50
TIMELINE_PAGE = 200
RUNNERS = (INCIDENT_COMMANDER, OPS)


def _back(request, incident: Incident, action):
    """Run a service for a page form; a refusal becomes an error message on the war room."""
    try:
        action()
    except ServiceError as exc:
        messages.error(request, exc.detail)
    return redirect("incidents:war-room", pk=incident.pk)


@role_page(*ALL_ROLES)
@require_GET
def incident_list(request):
    params = request.GET
    try:
        qs = selectors.incidents_filtered(params)
        error = ""
    except ServiceError as exc:
        qs, error = Incident.objects.none(), exc.detail
    before = params.get("before", "")
    if before.isdigit():
        qs = qs.filter(pk__lt=int(before))
    rows = list(qs.order_by("-pk")[: PAGE + 1])
    context = {
        "title": "Incidents",
        "incidents": rows[:PAGE],
        "next_before": rows[PAGE - 1].pk if len(rows) > PAGE else None,
        "filters": params,
        "filter_error": error,
        "statuses": Status.choices,
        "severities": SeverityCode.choices,
        "severity_targets": Severity.objects.all(),
        "overdue": selectors.overdue_follow_ups()[:PAGE],
        "can_run": has_role(request.user, *RUNNERS),
        "runbooks": Runbook.objects.order_by("title"),
    }
    return render(request, "incidents/list.html", context)


@role_page(*ALL_ROLES)
@require_GET
def metrics(request):
    """MTTA and MTTR per severity and period: the chart and the table of `GET /api/v1/incidents/metrics`."""
    try:
        data, error = selectors.incident_metrics(request.GET), ""
    except ServiceError as exc:
        data, error = selectors.incident_metrics({}), exc.detail
    context = {
        "title": "Incident response metrics",
        "metrics": data,
        "chart": charts.response_chart(data["severities"]),
        "filters": request.GET,
        "filter_error": error,
    }
    return render(request, "incidents/metrics.html", context)


@role_page(*RUNNERS)
@require_GET
def runbook_suggestion(request):
    """htmx, while the title is typed: the runbook select with the best match chosen (unless one was)."""
    chosen = request.GET.get("runbook", "")
    suggested = selectors.runbook_suggest(request.GET.get("title", ""))
    context = {
        "runbooks": Runbook.objects.order_by("title"),
        "selected": chosen or (suggested.slug if suggested else ""),
        "suggested": suggested,
    }
    return render(request, "incidents/_runbook_select.html", context)


@role_page(*RUNNERS)
@require_POST
def incident_declare(request):
    form = request.POST
    try:
        incident = services.incident_declare(
            actor=request.user,
            title=form.get("title", ""),
            severity=form.get("severity", ""),
            runbook=form.get("runbook", ""),
            symptoms=form.get("symptoms", ""),
            detected_by=request.user.get_username(),
            impact={"trading_halted": form.get("trading_halted") == "on"},
        )
    except ServiceError as exc:
        messages.error(request, exc.detail)
        return redirect("incidents:list")
    return redirect("incidents:war-room", pk=incident.pk)


@role_page(*ALL_ROLES)
@require_GET
def war_room(request, pk: int):
    incident = get_object_or_404(Incident.objects.select_related("runbook_version__runbook"), pk=pk)
    timeline = selectors.timeline_tail(incident, limit=TIMELINE_PAGE)
    last_id = timeline[-1].pk if timeline else 0
    context = {
        "title": f"Incident #{incident.pk}",
        "incident": incident,
        "severity": Severity.objects.get(code=incident.severity),
        "roles": {r.role: r.user for r in incident.roles.select_related("user")},
        "role_choices": RoleName.choices,
        "people": get_user_model()
        .objects.filter(is_active=True, groups__name__in=WRITERS)
        .distinct()
        .order_by("username"),
        "timeline": timeline,
        "older": timeline and incident.events.filter(pk__lt=timeline[0].pk).exists(),
        "last_id": last_id,
        "checklist": incident.checklist.all(),
        "can_run": has_role(request.user, *RUNNERS) and incident.status != Status.CLOSED,
        "can_note": has_role(request.user, *WRITERS) and incident.status != Status.CLOSED,
        "postmortem": PostMortem.objects.filter(incident=incident).first(),
        "follow_ups": incident.follow_ups.select_related("owner"),
        "follow_up_statuses": FollowUpStatus.choices,
        "can_act_follow_ups": has_role(request.user, *RUNNERS),  # follow-ups outlive a closed incident
        "severities": Severity.objects.all(),
        "offer_halt": incident.impact.get("trading_halted") and incident.is_open,
        **_gaps(incident),
    }
    return render(request, "incidents/war_room.html", context)


def _gaps(incident: Incident) -> dict:
    """Once resolved: what the post-mortem still lacks before the incident may close, in words."""
    missing = resolution.postmortem_gaps(incident) if incident.status == Status.RESOLVED else []
    return {"close_gaps": resolution.gaps_in_words(missing) if missing else ""}


@role_page(*ALL_ROLES)
@require_GET
def timeline_tail(request, pk: int):
    """htmx polling: everything after the events the page was rendered with (idempotent to re-fetch), and
    the header, SLA clock and status buttons as they are now, so a page never acts on a stale version."""
    incident = get_object_or_404(Incident, pk=pk)
    after = request.GET.get("after", "0")
    events = selectors.timeline_tail(incident, after=int(after) if after.isdigit() else 0, limit=1000)
    commander = incident.roles.filter(role=RoleName.COMMANDER).select_related("user").first()
    context = {
        "timeline": events,
        "incident": incident,
        "commander": commander.user if commander else None,
        "severity": Severity.objects.get(code=incident.severity),
        "can_run": has_role(request.user, *RUNNERS),  # a page closed by someone else gets "Closed: final."
        "changed": request.GET.get("version") != str(incident.version),
        **_gaps(incident),
    }
    return render(request, "incidents/_tail.html", context)


@role_page(*WRITERS)
@require_POST
def note_add(request, pk: int):
    """The quick-add box: 204 + a refresh trigger on success, the error text otherwise."""
    incident = get_object_or_404(Incident, pk=pk)
    try:
        services.incident_event_add(
            actor=request.user, incident=incident, kind="note", text=request.POST.get("text", "")
        )
    except ServiceError as exc:
        return HttpResponse(exc.detail, status=200)
    return HttpResponse(status=204, headers={"HX-Trigger": "timeline-refresh"})


@role_page(*RUNNERS)
@require_POST
def status_change(request, pk: int):
    incident = get_object_or_404(Incident, pk=pk)
    version = request.POST.get("version", "")
    return _back(
        request,
        incident,
        lambda: services.incident_status_change(
            actor=request.user,
            incident=incident,
            status=request.POST.get("status", ""),
            note=request.POST.get("note", ""),
            expected_version=int(version) if version.isdigit() else None,
        ),
    )


@role_page(*RUNNERS)
@require_POST
def role_assign(request, pk: int):
    incident = get_object_or_404(Incident, pk=pk)
    return _back(
        request,
        incident,
        lambda: services.incident_role_assign(
            actor=request.user, incident=incident, role=request.POST.get("role", ""), user=request.POST.get("user", "")
        ),
    )


@role_page(*RUNNERS)
@require_POST
def checklist_tick(request, pk: int, position: int):
    incident = get_object_or_404(Incident, pk=pk)
    ticked = request.POST.get("ticked", "1") == "1"
    return _back(
        request,
        incident,
        lambda: runbooks.checklist_item_tick(actor=request.user, incident=incident, position=position, ticked=ticked),
    )


@role_page(*RUNNERS, read=ALL_ROLES)
def postmortem(request, pk: int):
    """GET shows the form (read-only for non-runners); POST saves it whole."""
    incident = get_object_or_404(Incident, pk=pk)
    current = PostMortem.objects.filter(incident=incident).first() or PostMortem(incident=incident)
    if request.method == "POST":
        try:
            postmortems.postmortem_save(actor=request.user, incident=incident, **_postmortem_form(request.POST))
        except ServiceError as exc:
            messages.error(request, exc.detail)
        else:
            messages.success(request, "Post-mortem saved.")
            return redirect("incidents:war-room", pk=incident.pk)
    rows = [*current.action_items, *([{}] * 3)]
    context = {
        "title": f"Post-mortem of incident #{incident.pk}",
        "incident": incident,
        "postmortem": current,
        "rows": rows,
        "people": get_user_model().objects.filter(is_active=True).order_by("username"),
        "can_run": has_role(request.user, *RUNNERS) and incident.status != Status.CLOSED,
        "key_moments": starred_events(incident),
        "follow_ups": incident.follow_ups.select_related("owner"),
    }
    return render(request, "incidents/postmortem.html", context)


def _postmortem_form(form) -> dict:
    items = [
        {"description": d, "owner": o, "due_date": due}
        for d, o, due in zip(
            form.getlist("item_description"), form.getlist("item_owner"), form.getlist("item_due"), strict=False
        )
        if d.strip() or o.strip() or due.strip()
    ]
    return {
        "root_cause_analysis": form.get("root_cause_analysis", ""),
        "prevention_measures": form.get("prevention_measures", ""),
        "communication_review": form.get("communication_review", ""),
        "action_items": items,
    }


@role_page(*ALL_ROLES)
@require_GET
def postmortem_export(request, pk: int):
    incident = get_object_or_404(Incident, pk=pk)
    current = PostMortem.objects.filter(incident=incident).first() or PostMortem(incident=incident)
    response = HttpResponse(postmortem_markdown(current), content_type="text/markdown; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="incident-{incident.pk}-postmortem.md"'
    return response


@role_page(*RUNNERS)
@require_POST
def severity_change(request, pk: int):
    incident = get_object_or_404(Incident, pk=pk)
    version = request.POST.get("version", "")
    return _back(
        request,
        incident,
        lambda: services.incident_update(
            actor=request.user,
            incident=incident,
            changes={"severity": request.POST.get("severity", "")},
            expected_version=int(version) if version.isdigit() else None,
        ),
    )


@role_page(*RUNNERS)
@require_POST
def event_star(request, pk: int, event_id: int):
    incident = get_object_or_404(Incident, pk=pk)
    starred = request.POST.get("starred", "1") == "1"
    return _back(
        request,
        incident,
        lambda: services.event_star(actor=request.user, incident=incident, event_id=event_id, starred=starred),
    )


@role_page(*RUNNERS)
@require_POST
def follow_up_add(request, pk: int):
    incident = get_object_or_404(Incident, pk=pk)
    form = request.POST
    return _back(
        request,
        incident,
        lambda: followups.follow_up_create(
            actor=request.user,
            incident=incident,
            description=form.get("description", ""),
            owner=form.get("owner", ""),
            due_on=form.get("due_on", ""),
        ),
    )


@role_page(*RUNNERS)
@require_POST
def follow_up_status(request, pk: int, follow_up_id: int):
    incident = get_object_or_404(Incident, pk=pk)
    return _back(
        request,
        incident,
        lambda: followups.follow_up_status_change(
            actor=request.user, incident=incident, follow_up_id=follow_up_id, status=request.POST.get("status", "")
        ),
    )
