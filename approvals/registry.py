"""Apps register one class per approvable action; approvals calls it when the last approval lands.

approvals knows nothing of corrections or restores (DESIGN.md): an app subclasses `Approvable`
next to its services and hands the classes to `register` from its AppConfig.ready.
"""

from typing import ClassVar

NAME_HELP = "a dotted name in the app's namespace, e.g. book.correction"


class Approvable:
    """One action that waits for four eyes: its name, its label, and the three things approvals asks of it."""

    name: ClassVar[str] = ""
    label: ClassVar[str] = ""  # what the queue and the approver see
    # Former names of a renamed action: requests recorded under them still resolve to this one.
    aliases: ClassVar[tuple[str, ...]] = ()

    def validate(self, payload: dict) -> None:
        """Refuse a payload before any request is opened: raise core.errors.Invalid (or another ServiceError)."""

    def lock(self, request) -> object:
        """Lock the rows `execute` will change, and any chain it appends to that others take first,
        before approving appends to any chain. Writers lock their rows first and chains after (a
        chain's lock is held to commit; the book's order is in book/services/locks.py); approving in
        the same order is what keeps an approval and, say, a new correction of the same position from
        deadlocking. What it returns (the rows it locked) reaches `execute` as `request.locked`:
        locking more rows there, after the approvals chains, could deadlock. Must not raise for rows
        that are gone: `execute` reports that."""

    def execute(self, request, *, actor) -> dict | None:
        """Do the action inside the approving transaction; raise to fail it (nothing of it remains)."""
        raise NotImplementedError(f"{type(self).__name__} must define execute")

    def describe(self, payload: dict) -> dict:
        """The approver's preview, every key optional: "summary", "steps", "pnl_effect", "diff" (rows of field,
        wrong, right, changed), "positions" and "incidents" it touches (rows with "id" and a "text"/"effect" or
        "title"/"severity"/"status"), "halt" (a halt being lifted: "since", "by", "reason")."""
        return {}


ACTIONS: dict[str, Approvable] = {}
# Former names of renamed actions → their current name (the classes' `aliases`).
ALIASES: dict[str, str] = {}


def register(*classes: type[Approvable]) -> None:
    """Register approvable actions by class; a name (or former name) belongs to one class."""
    for cls in classes:
        if "." not in cls.name or not cls.label:
            raise ValueError(f"{cls.__name__} needs a label and a name: {NAME_HELP}")
        for name in (cls.name, *cls.aliases):
            taken = ACTIONS.get(canonical(name))
            if taken is not None and type(taken) is not cls:
                raise ValueError(f"{cls.__name__}: the action {name!r} is already {type(taken).__name__}'s")
        ACTIONS[cls.name] = cls()
        ALIASES.update(dict.fromkeys(cls.aliases, cls.name))


def canonical(name: str) -> str:
    return ALIASES.get(name, name)


def get(name: str) -> Approvable | None:
    return ACTIONS.get(canonical(name))
