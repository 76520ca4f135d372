"""Configuration writes from the admin: severity targets, the on-call rota, escalation contacts.

One audited path so that a changed response target or rota is as traceable as an incident.
"""

from django.db import models, transaction
from django.forms.models import model_to_dict

from audit.services import event_record
from core.errors import Invalid
from incidents.actions import IncidentsAction

from ..models import OnCallShift


def _jsonable(values: dict) -> dict:
    return {k: (v if isinstance(v, (int, float, str, bool, type(None))) else str(v)) for k, v in values.items()}


def config_save(*, actor, obj: models.Model, changed: list[str] | None = None) -> models.Model:
    """Save a configuration row (new or edited) and audit it with before/after."""
    if isinstance(obj, OnCallShift) and obj.ends_on < obj.starts_on:
        raise Invalid("The shift ends before it starts.", fields={"ends_on": ["Must be on or after starts_on."]})
    with transaction.atomic():
        before = model_to_dict(type(obj).objects.get(pk=obj.pk)) if obj.pk and not obj._state.adding else {}
        obj.save()
        after = model_to_dict(obj)
        diff = {
            k: {"before": _jsonable(before).get(k), "after": _jsonable(after)[k]}
            for k in after
            if before.get(k) != after[k]
        }
        event_record(
            actor=actor,
            action=IncidentsAction.CONFIG_CHANGED,
            subject_type=f"incidents.{obj._meta.model_name}",
            subject_id=obj.pk,
            payload={"changes": diff},
        )
    return obj
