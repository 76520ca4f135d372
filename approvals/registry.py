"""Apps register an executor per action name; approvals calls it when the last approval lands.

approvals knows nothing of corrections or restores (DESIGN.md): the executor runs inside
the approving transaction and returns a JSON-able result.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class ApprovableAction:
    name: str
    executor: Callable  # executor(request, *, actor) -> dict | None
    validate: Callable | None = None  # validate(payload) raises core.errors.ServiceError
    label: str = ""


ACTIONS: dict[str, ApprovableAction] = {}


def register(name: str, executor: Callable, *, validate: Callable | None = None, label: str = "") -> None:
    ACTIONS[name] = ApprovableAction(name=name, executor=executor, validate=validate, label=label or name)


def get(name: str) -> ApprovableAction | None:
    return ACTIONS.get(name)
