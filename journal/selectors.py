"""Reads of the journal: filtered lists, version chains, and an entry's hash check."""

import datetime as dt

from django.db.models import QuerySet

from . import search
from .models import JournalEntry

MAX_VERSIONS = 500
LINK_FILTERS = {"position": "related_position_id", "incident": "related_incident_id", "approval": "related_approval_id"}


def entry_list(
    *,
    entry_type: str | None = None,
    author: str | None = None,
    tag: str | None = None,
    links: dict[str, str] | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    q: str | None = None,
    all_versions: bool = False,
) -> QuerySet[JournalEntry]:
    """Newest versions (or every version), filtered, newest first; ranked by relevance when searching
    on PostgreSQL, by when they occurred within a `since`/`until` window."""
    qs = JournalEntry.objects.select_related("author")
    if not all_versions:
        qs = qs.latest_versions()
    if entry_type:
        qs = qs.of_type(entry_type)
    if author:
        qs = qs.by_author(author)
    if tag:
        qs = qs.tagged(tag)
    for kind, object_id in (links or {}).items():
        qs = qs.linked_to(kind, object_id)
    if since or until:
        qs = qs.between(since, until)
    if q:
        qs = search.matching(qs, q)
        return qs.order_by("-rank", "-pk") if search.is_full_text() else qs.order_by("-pk")
    if since or until:
        # A time window lists newest occurrence first, read straight from the (occurred_at, id)
        # index: ordered by id, PostgreSQL walks every entry recorded after the window to reach it.
        return qs.order_by("-occurred_at", "-pk")
    return qs.order_by("-pk")


def versions(entry: JournalEntry) -> list[JournalEntry]:
    """Every version of the entry's record, oldest first (walks `supersedes` both ways)."""
    chain = [entry]
    while chain[0].supersedes_id and len(chain) < MAX_VERSIONS:
        chain.insert(0, JournalEntry.objects.select_related("author").get(pk=chain[0].supersedes_id))
    while len(chain) < MAX_VERSIONS:
        newer = JournalEntry.objects.select_related("author").filter(supersedes=chain[-1]).first()
        if newer is None:
            break
        chain.append(newer)
    return chain


def newest_version(entry: JournalEntry) -> JournalEntry:
    """The version that has not been amended (the one to amend next)."""
    current = entry
    for _ in range(MAX_VERSIONS):
        newer = JournalEntry.objects.filter(supersedes=current).first()
        if newer is None:
            return current
        current = newer
    return current


def superseded_by_id(entry: JournalEntry) -> int | None:
    return JournalEntry.objects.filter(supersedes=entry).values_list("pk", flat=True).first()


def hash_verified(entry: JournalEntry) -> bool:
    """Recompute the row's hash and check it links to its predecessor in the chain."""
    if entry.compute_hash() != entry.hash:
        return False
    if entry.seq == 1:
        return entry.is_genesis
    previous = JournalEntry.objects.filter(chain=entry.chain, seq=entry.seq - 1).values_list("hash", flat=True).first()
    return previous == entry.prev_hash
