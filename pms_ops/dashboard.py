"""The admin home dashboard: one glance at the book, the four-eyes queue, incidents and chains.

pms_ops sits at the top of the import graph, so it may read every app's selectors; each
panel is one small function returning what its template card shows.
"""

from django.conf import settings
from django.utils import timezone

from approvals.models import ApprovalRequest
from audit.models import Checkpoint
from backups.selectors import newest_verified_backup
from book.selectors import portfolio_state
from core.roles import has_role
from incidents.models import Incident
from ops.selectors import probe_states, trading_enabled


def book_panel() -> dict:
    return {**portfolio_state(), "currency": settings.BOOK_CURRENCY}


def approvals_panel(user) -> dict:
    pending = ApprovalRequest.objects.pending().exclude(expires_at__lte=timezone.now())
    mine = [
        request
        for request in pending.exclude(requested_by=user).order_by("created_at")[:50]
        if has_role(user, *request.approver_roles)
    ]
    return {"pending": pending.count(), "for_me": mine[:5], "for_me_count": len(mine)}


def incidents_panel() -> dict:
    open_incidents = Incident.objects.open().order_by("severity", "-declared_at")
    return {"open": list(open_incidents[:5]), "count": open_incidents.count()}


def chains_panel() -> dict:
    """The incremental verifier's checkpoints: how far each chain is verified, and whether it held."""
    points = list(Checkpoint.objects.all())
    return {"checkpoints": points, "broken": [p for p in points if not p.ok]}


def ops_panel() -> dict:
    """Trading switch, probe colours and the newest verified backup (details on the ops dashboard)."""
    states = sorted(probe_states().values(), key=lambda s: s.probe)
    backup = newest_verified_backup()
    return {
        "trading": trading_enabled(),
        "probes": states,
        "failing": [s for s in states if s.status == "fail"],
        "backup": backup,
    }


def dashboard(user) -> dict:
    return {
        "ops": ops_panel(),
        "book": book_panel(),
        "approvals": approvals_panel(user),
        "incidents": incidents_panel(),
        "chains": chains_panel(),
    }
