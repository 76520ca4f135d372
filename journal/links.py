"""Generic references (kind + id) from journal entries to things in other apps.

The journal never imports the apps above it: they register a kind with a function
that says whether an id exists (DESIGN.md, direction of imports), and optionally one
that finds candidates for the browser's link picker.
"""

from collections.abc import Callable
from dataclasses import dataclass

# search(text, limit) -> [(id, label), ...]
Search = Callable[[str, int], list[tuple[str, str]]]


@dataclass(frozen=True)
class LinkKind:
    name: str
    exists: Callable[[str], bool]
    label: str
    search: Search | None = None


KINDS: dict[str, LinkKind] = {}


def register_kind(name: str, exists: Callable[[str], bool], *, label: str = "", search: Search | None = None) -> None:
    KINDS[name] = LinkKind(name=name, exists=exists, label=label or name, search=search)


def candidates(kind: str, text: str, limit: int = 10) -> list[tuple[str, str]]:
    """What the picker offers for `text`: the kind's own search, else the id itself if it exists."""
    known = KINDS.get(kind)
    text = text.strip()
    if known is None or not text:
        return []
    if known.search is not None:
        return known.search(text, limit)[:limit]
    return [(text, f"{known.label} {text}")] if len(text) <= 64 and known.exists(text) else []


def entry_exists(object_id: str) -> bool:
    from .models import JournalEntry

    return str(object_id).isdigit() and JournalEntry.objects.filter(pk=int(object_id)).exists()
