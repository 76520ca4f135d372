"""Text renderings of an incident: seed 004's incident record and the post-mortem as Markdown."""

import datetime as dt

from .models import Incident, PostMortem, TimelineEvent


def _duration(delta) -> str:
    if delta is None:
        return "not resolved"
    minutes, seconds = divmod(int(delta.total_seconds()), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h {minutes:02d}m {seconds:02d}s"


def incident_record(incident: Incident) -> str:
    """Seed 004 "Incident Logging" as Markdown (the journal renders it): one line per record field."""
    runbook = incident.runbook_version
    impact = incident.impact or {}
    recovery = _duration(incident.recovery_time())
    if incident.recovery_time_override is not None:
        recovery += f" (overridden: {incident.recovery_time_reason})"
    fields = [
        f"Date: {incident.declared_at.astimezone(dt.UTC):%Y-%m-%d %H:%M} UTC",
        f"Scenario: {runbook.runbook.slug + ' v' + str(runbook.number) if runbook else 'none'}",
        f"Detected by: {incident.detected_by or incident.declared_by}",
        f"Impact: trading halted {_yes(impact.get('trading_halted'))}, positions affected "
        f"{_yes(impact.get('positions_affected'))}, data affected {_yes(impact.get('data_affected'))}"
        + (f"; {impact['details']}" if impact.get("details") else ""),
        f"Symptoms: {incident.symptoms or '-'}",
        f"Root Cause: {incident.root_cause or '-'}",
        f"Recovery Actions: {incident.recovery_actions or '-'}",
        f"Recovery Time: {recovery}",
        f"Data Loss: {_yes(incident.data_loss)}"
        + (f", {incident.data_loss_details}" if incident.data_loss_details else ""),
        f"Prevention: {incident.prevention or '-'}",
    ]
    lines = [f"Incident #{incident.pk} {incident.severity}: {incident.title}", "", *(f"- {line}" for line in fields)]
    return "\n".join(lines)


def _yes(flag) -> str:
    return "Y" if flag else "N"


def postmortem_markdown(postmortem: PostMortem) -> str:
    """The post-mortem as a Markdown document (export)."""
    incident = postmortem.incident
    items = [
        f"| {item['description']} | {item['owner']} | {item['due_date']} |" for item in postmortem.action_items
    ] or ["| (none) | | |"]
    moments = [
        f"- {e.occurred_at.isoformat()} ({e.get_kind_display()}, {e.author}): {e.text}"
        for e in starred_events(incident)
    ]
    follow_ups = [
        f"| {f.description} | {f.owner.get_username()} | {f.due_on.isoformat()} | {f.get_status_display()} |"
        for f in incident.follow_ups.select_related("owner")
    ] or ["| (none) | | | |"]
    return "\n".join(
        [
            f"# Post-mortem: incident #{incident.pk} — {incident.title}",
            "",
            f"- Severity: {incident.severity}",
            f"- Status: {incident.status}",
            f"- Declared: {incident.declared_at.isoformat()}",
            f"- Resolved: {incident.resolved_at.isoformat() if incident.resolved_at else '-'}",
            f"- Recovery time: {_duration(incident.recovery_time())}",
            "",
            "## Key moments (starred timeline)",
            "",
            *(moments or ["-"]),
            "",
            "## Root cause analysis",
            "",
            postmortem.root_cause_analysis or "-",
            "",
            "## Prevention measures",
            "",
            postmortem.prevention_measures or "-",
            "",
            "## Action items",
            "",
            "| Action | Owner | Due |",
            "| --- | --- | --- |",
            *items,
            "",
            "## Follow-up actions",
            "",
            "| Action | Owner | Due | Status |",
            "| --- | --- | --- | --- |",
            *follow_ups,
            "",
            "## Communication review",
            "",
            postmortem.communication_review or "-",
            "",
        ]
    )


def starred_events(incident: Incident) -> list[TimelineEvent]:
    """The key moments the commander starred, in the order they happened: where a post-mortem starts."""
    return list(incident.events.filter(star__starred=True).order_by("occurred_at", "pk"))
