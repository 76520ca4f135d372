"""The journal's write path: other apps call `journal_entry_add` inside their own transaction."""

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from audit import chain
from audit.services import event_record
from core.errors import Conflict, Invalid

from . import links as link_kinds
from .models import EntryType, JournalEntry, JournalLink

MAX_CONTENT = 20_000
MAX_TAGS = 20


def _clean_links(links: Iterable[tuple[str, object]]) -> list[dict]:
    cleaned = []
    for kind, object_id in links:
        object_id = str(object_id)
        known = link_kinds.KINDS.get(kind)
        field = f"related_{kind}_id"
        if known is None:
            raise Invalid(f"Unknown link kind {kind!r}.", fields={field: ["Unknown link kind."]})
        if not known.exists(object_id):
            raise Invalid(
                f"{known.label.capitalize()} {object_id} does not exist.",
                fields={field: [f"No {known.label} with id {object_id}."]},
            )
        if {"kind": kind, "id": object_id} not in cleaned:
            cleaned.append({"kind": kind, "id": object_id})
    return cleaned


def _clean(entry_type: str, content: str, occurred_at, tags) -> list[str]:
    if entry_type not in EntryType.values:
        raise Invalid(
            f"Unknown entry_type {entry_type!r}; use one of: {', '.join(EntryType.values)}.",
            fields={"entry_type": ["Unknown entry type."]},
        )
    if not content or not content.strip():
        raise Invalid("content is empty.", fields={"content": ["Write what happened and why."]})
    if len(content) > MAX_CONTENT:
        raise Invalid(
            f"content is {len(content)} characters; the limit is {MAX_CONTENT}.",
            fields={"content": [f"At most {MAX_CONTENT} characters."]},
        )
    if occurred_at is not None and occurred_at > timezone.now() + timezone.timedelta(seconds=5):
        raise Invalid(
            "occurred_at is in the future.",
            fields={"occurred_at": ["Cannot be in the future."]},
        )
    tags = sorted({str(t).strip().lower() for t in (tags or ()) if str(t).strip()})
    if len(tags) > MAX_TAGS or any(len(t) > 50 for t in tags):
        raise Invalid(
            "Too many or too long tags.",
            fields={"tags": [f"At most {MAX_TAGS} tags of 50 characters."]},
        )
    return tags


def journal_entry_add(
    *,
    author,
    entry_type: str,
    content: str,
    occurred_at=None,
    links: Iterable[tuple[str, object]] = (),
    tags: Iterable[str] = (),
    supersedes: JournalEntry | int | None = None,
) -> JournalEntry:
    """Append an entry (or an amendment when `supersedes` is given) with its links, audited."""
    tags = _clean(entry_type, content, occurred_at, tags)
    with transaction.atomic():
        cleaned_links = _clean_links(links)
        previous = _superseded(supersedes)
        now = timezone.now()
        entry = chain.append(
            JournalEntry,
            chain=JournalEntry.DEFAULT_CHAIN,
            entry_type=entry_type,
            content=content,
            author=author,
            occurred_at=occurred_at or now,
            recorded_at=now,
            tags=tags,
            links=cleaned_links,
            supersedes=previous,
        )
        JournalLink.objects.bulk_create(
            [JournalLink(entry=entry, kind=link["kind"], object_id=link["id"]) for link in cleaned_links]
        )
        event_record(
            actor=author,
            action="journal.entry.amended" if previous else "journal.entry.added",
            subject_type="journal.entry",
            subject_id=entry.pk,
            payload={
                "entry_type": entry_type,
                "supersedes": previous.pk if previous else None,
                "hash": entry.hash,
            },
        )
    return entry


def _superseded(supersedes) -> JournalEntry | None:
    if supersedes is None:
        return None
    pk = supersedes.pk if isinstance(supersedes, JournalEntry) else supersedes
    previous = JournalEntry.objects.select_for_update().filter(pk=pk).first()
    if previous is None:
        raise Invalid(
            f"Journal entry {pk} does not exist.",
            fields={"supersedes": ["No such entry."]},
        )
    newer = JournalEntry.objects.filter(supersedes=previous).first()
    if newer is not None:
        raise Conflict(
            f"Entry {pk} was already amended by entry {newer.pk}; amend the newest version.",
            fields={"supersedes": [f"Amend entry {newer.pk} instead."]},
            extra={"newest_id": newer.pk},
        )
    return previous
