"""The journal's write path: other apps call `journal_entry_add` inside their own transaction."""

import re
from collections.abc import Iterable

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils import timezone

from audit import chain
from audit.services import event_record
from core.errors import Conflict, Forbidden, Invalid

from . import links as link_kinds
from . import selectors
from .actions import JournalAction
from .models import SYSTEM_TAG, EntryType, JournalEntry, JournalLink

MAX_CONTENT = 20_000
MAX_TAGS = 20
TAG = re.compile(r"^[a-z0-9][a-z0-9_.:/-]{0,49}$")
# Control characters other than tab and newlines; \x02/\x03 also mark search highlights.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _clean_links(links: Iterable[tuple[str, object]]) -> list[dict]:
    cleaned = []
    for kind, object_id in links:
        object_id = str(object_id)
        known = link_kinds.KINDS.get(kind)
        field = f"related_{kind}_id"
        if known is None:
            raise Invalid(f"Unknown link kind {kind!r}.", fields={field: ["Unknown link kind."]})
        if not _exists(known, object_id):
            raise Invalid(
                f"{known.label.capitalize()} {object_id} does not exist.",
                fields={field: [f"No {known.label} with id {object_id}."]},
            )
        if {"kind": kind, "id": object_id} not in cleaned:
            cleaned.append({"kind": kind, "id": object_id})
    return cleaned


def _exists(known: link_kinds.LinkKind, object_id: str) -> bool:
    """A malformed id (wrong type for that kind's key) is simply one that does not exist."""
    if not object_id.strip() or len(object_id) > 64:
        return False
    try:
        return bool(known.exists(object_id))
    except (ValueError, TypeError, DjangoValidationError):
        return False


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
    if CONTROL.search(content):
        raise Invalid(
            "content contains control characters.",
            fields={"content": ["Remove control characters (only tabs and line breaks are allowed)."]},
        )
    if occurred_at is not None and occurred_at > timezone.now() + timezone.timedelta(seconds=5):
        raise Invalid(
            "occurred_at is in the future; record when it happened, not when it will.",
            fields={"occurred_at": ["Cannot be in the future."]},
        )
    return _clean_tags(tags)


def _mark_system(tags: list[str], system: bool) -> list[str]:
    if system:
        return sorted({*tags, SYSTEM_TAG})
    if SYSTEM_TAG in tags:
        raise Invalid(
            f"The tag {SYSTEM_TAG!r} marks entries the system writes; use another tag.",
            fields={"tags": [f"{SYSTEM_TAG!r} is reserved."]},
        )
    return tags


def _clean_tags(tags) -> list[str]:
    tags = sorted({str(t).strip().lower() for t in (tags or ()) if str(t).strip()})
    bad = [t for t in tags if not TAG.match(t)]
    if len(tags) > MAX_TAGS or bad:
        raise Invalid(
            f"Too many or malformed tags{': ' + ', '.join(map(repr, bad[:3])) if bad else ''}.",
            fields={"tags": [f"At most {MAX_TAGS} tags of up to 50 characters: letters, digits, _ . : / -."]},
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
    system: bool = False,
) -> JournalEntry:
    """Append an entry (or an amendment when `supersedes` is given) with its links, audited.

    `system`: the software writes it for `author` as the record of something that executed
    (tagged `system`); only an author's own entries are amended, a system entry never. An amendment
    without its own `occurred_at` keeps the original's: it corrects the text, not when it happened.
    """
    tags = _mark_system(_clean(entry_type, content, occurred_at, tags), system)
    cleaned_links = _clean_links(links)
    # A savepoint only for an amendment, whose refusals are raised inside: a caller catching one keeps
    # its transaction. Otherwise only a database error can escape, and that dooms the caller's anyway.
    with transaction.atomic(savepoint=supersedes is not None):
        previous = _superseded(supersedes, author)
        now = timezone.now()
        entry = chain.append(
            JournalEntry,
            chain=JournalEntry.DEFAULT_CHAIN,
            entry_type=entry_type,
            content=content,
            author=author,
            occurred_at=occurred_at or (previous.occurred_at if previous else now),  # an amendment keeps it
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
            action=JournalAction.ENTRY_AMENDED if previous else JournalAction.ENTRY_ADDED,
            subject_type="journal.entry",
            subject_id=entry.pk,
            payload={
                "entry_type": entry_type,
                "supersedes": previous.pk if previous else None,
                "links": cleaned_links,
                "hash": entry.hash,
            },
        )
    return entry


def _superseded(supersedes, author) -> JournalEntry | None:
    if supersedes is None:
        return None
    pk = supersedes.pk if isinstance(supersedes, JournalEntry) else supersedes
    # The chain's lock, not SELECT FOR UPDATE: the runtime role may not lock (UPDATE) journal rows.
    chain.lock_chain(JournalEntry, JournalEntry.DEFAULT_CHAIN)
    previous = JournalEntry.objects.filter(pk=pk).first()
    if previous is None:
        raise Invalid(
            f"Journal entry {pk} does not exist.",
            fields={"supersedes": ["No such entry."]},
        )
    refusal = previous.amend_refusal(author)
    if refusal:
        error = Conflict if previous.is_system else Forbidden
        code = "system_entry" if previous.is_system else "not_author"
        raise error(refusal, code=code, fields={"supersedes": [refusal]}, extra={"related_entry_id": previous.pk})
    newest = selectors.newest_version(previous)
    if newest.pk != previous.pk:
        raise Conflict(
            f"Entry {pk} was already amended; its newest version is entry {newest.pk}. Amend that one.",
            fields={"supersedes": [f"Amend entry {newest.pk} instead."]},
            extra={"newest_id": newest.pk},
        )
    return previous
