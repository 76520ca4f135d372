"""Row locks with optimistic concurrency: every incident write starts here."""

from core.errors import Conflict, NotFound

from .models import Incident


def lock(incident: Incident | int, expected_version: int | None = None) -> Incident:
    """Re-read the incident under a row lock; a stale `expected_version` is a 409 with the current state."""
    pk = incident.pk if isinstance(incident, Incident) else incident
    locked = Incident.objects.select_for_update().filter(pk=pk).first()
    if locked is None:
        raise NotFound(f"Incident {pk} does not exist.")
    if expected_version is not None and expected_version != locked.version:
        raise Conflict(
            f"Incident {pk} changed meanwhile (version {locked.version}, you had {expected_version}); "
            "reload and try again.",
            code="stale_version",
            extra={"current": locked.state()},
        )
    return locked
