"""Generic references (kind + id) from journal entries to things in other apps.

The journal never imports the apps above it: they register a kind with a function
that says whether an id exists (DESIGN.md, direction of imports).
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class LinkKind:
    name: str
    exists: Callable[[str], bool]
    label: str


KINDS: dict[str, LinkKind] = {}


def register_kind(name: str, exists: Callable[[str], bool], *, label: str = "") -> None:
    KINDS[name] = LinkKind(name=name, exists=exists, label=label or name)


def entry_exists(object_id: str) -> bool:
    from .models import JournalEntry

    return str(object_id).isdigit() and JournalEntry.objects.filter(pk=int(object_id)).exists()
