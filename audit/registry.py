"""The registry of audit action names: an event with an unregistered action is refused.

Each app declares its actions as one `TextChoices` class (`<app>/actions.py`) named on its
AppConfig as `audit_actions`; `AuditConfig.ready` reads them all (`register_declared`). A
value is `namespace.noun.verb`, the namespace being the chain its events go to; a class keeps
to one namespace, and a namespace belongs to one class.
"""

import re

from django.apps import apps
from django.db import models

ACTIONS: dict[str, str] = {}
# Which class declared each namespace: two apps writing to one chain is a wiring mistake.
NAMESPACES: dict[str, type[models.TextChoices]] = {}
NAME = re.compile(r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")


class UnknownAction(ValueError):
    pass


def register(actions: type[models.TextChoices]) -> None:
    """Register a class of {value: label}; refused unless every value is `namespace.noun.verb` in one namespace."""
    bad = [value for value in actions.values if not NAME.match(value)]
    if bad:
        raise ValueError(
            f"{actions.__name__}: audit actions {bad} must be namespace.noun.verb, e.g. book.position.opened"
        )
    namespaces = {value.split(".", 1)[0] for value in actions.values}
    if len(namespaces) != 1:
        raise ValueError(f"{actions.__name__} mixes the namespaces {sorted(namespaces)}: declare one class each")
    namespace = namespaces.pop()
    owner = NAMESPACES.setdefault(namespace, actions)
    if owner is not actions:
        raise ValueError(f"{actions.__name__}: the namespace {namespace!r} is already {owner.__name__}'s")
    ACTIONS.update({value: str(label) for value, label in actions.choices})


def register_declared() -> None:
    """Register every installed app's `audit_actions` (called once the app registry is ready)."""
    for config in apps.get_app_configs():
        for actions in getattr(config, "audit_actions", ()):
            register(actions)


def check(action: str) -> None:
    if action not in ACTIONS:
        raise UnknownAction(f"audit action {action!r} is not registered")
