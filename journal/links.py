"""Generic references (kind + id) from journal entries to things in other apps.

The journal never imports the apps above it (DESIGN.md, direction of imports): a model
declares `link_kind = "position"` and entries may link to its rows by primary key; the
journal reads those declarations once the app registry is ready (`read_kinds`). A kind may
also carry a search for the browser's link picker.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.db import models

# search(text, limit) -> [(id, label), ...]
Search = Callable[[str, int], list[tuple[str, str]]]


@dataclass(frozen=True)
class LinkKind:
    name: str
    exists: Callable[[str], bool]
    label: str
    search: Search | None = None


KINDS: dict[str, LinkKind] = {}


def _row_exists(model: type[models.Model], object_id: str) -> bool:
    return str(object_id).isdigit() and model._default_manager.filter(pk=int(object_id)).exists()


def read_kinds() -> None:
    """A kind per model that declares `link_kind`, labelled with the model's verbose name (JournalConfig.ready)."""
    declared = [model for model in apps.get_models() if getattr(model, "link_kind", None)]
    for model in declared:
        twins = [m._meta.label for m in declared if m.link_kind == model.link_kind]
        if len(twins) > 1:
            raise ImproperlyConfigured(f"The journal link kind {model.link_kind!r} is declared by {', '.join(twins)}")
        label = str(model._meta.verbose_name)
        KINDS[model.link_kind] = LinkKind(model.link_kind, partial(_row_exists, model), label)


def candidates(kind: str, text: str, limit: int = 10) -> list[tuple[str, str]]:
    """What the picker offers for `text`: the kind's own search, else the id itself if it exists."""
    known = KINDS.get(kind)
    text = text.strip()
    if known is None or not text:
        return []
    if known.search is not None:
        return known.search(text, limit)[:limit]
    return [(text, f"{known.label} {text}")] if len(text) <= 64 and known.exists(text) else []
