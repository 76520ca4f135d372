"""Apps register an executor per action name; approvals calls it when the last approval lands.

approvals knows nothing of corrections or restores (DESIGN.md): the executor runs inside
the approving transaction and returns a JSON-able result. `describe` renders a request's
payload for the approver (a preview and, where it applies, a diff of wrong vs right).
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class ApprovableAction:
    name: str
    executor: Callable  # executor(request, *, actor) -> dict | None
    validate: Callable | None = None  # validate(payload) raises core.errors.ServiceError
    label: str = ""
    describe: Callable | None = None  # describe(payload) -> dict shown to the approver


ACTIONS: dict[str, ApprovableAction] = {}
# Former names of renamed actions: requests recorded under the old name still resolve.
ALIASES: dict[str, str] = {}


def register(
    name: str,
    executor: Callable,
    *,
    validate: Callable | None = None,
    label: str = "",
    describe: Callable | None = None,
) -> None:
    ACTIONS[name] = ApprovableAction(
        name=name, executor=executor, validate=validate, label=label or name, describe=describe
    )


def alias(old_name: str, name: str) -> None:
    """Keep a renamed action's former name resolving to it (finished requests keep the name they were made under)."""
    ALIASES[old_name] = name


def canonical(name: str) -> str:
    return ALIASES.get(name, name)


def get(name: str) -> ApprovableAction | None:
    return ACTIONS.get(canonical(name))
