"""Journal pages: the timeline a PM keeps open all day, quick add with preview, the entry page.

Views are thin: reads through `selectors`, the one write through `journal_entry_add`.
"""

import itertools

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from core import roles
from core.errors import ServiceError

from . import links, search, selectors
from .filters import JournalFilterForm
from .forms import EntryForm
from .models import JournalEntry
from .rendering import markdown_html
from .services import journal_entry_add

PAGE = 50
WRITERS = (roles.PM, roles.APPROVER, roles.INCIDENT_COMMANDER, roles.OPS)
READERS = (*WRITERS, roles.AUDITOR)


def _timeline(request: HttpRequest, filters: JournalFilterForm) -> dict:
    """The entries to show, grouped by local day, and the id to continue from."""
    if not filters.is_valid():
        return {"days": [], "older": None}
    kwargs = filters.selector_kwargs()
    entries = selectors.entry_list(**kwargs)
    before = request.GET.get("before", "")
    ranked = bool(kwargs["q"]) and search.is_full_text()
    if before.isdigit() and not ranked:
        entries = entries.filter(pk__lt=int(before))
    rows = list(entries[: PAGE + 1])
    older = rows[PAGE - 1].pk if len(rows) > PAGE and not ranked else None
    rows = search.attach_headlines(rows[:PAGE], kwargs["q"])
    for row in rows:
        row.snippet = search.snippet_html(row, kwargs["q"]) if kwargs["q"] else ""
    days = [(day, list(group)) for day, group in itertools.groupby(rows, lambda e: timezone.localdate(e.recorded_at))]
    return {"days": days, "older": older, "ranked": ranked, "q": kwargs["q"]}


@roles.role_page(*READERS)
@require_GET
def timeline(request: HttpRequest) -> HttpResponse:
    filters = JournalFilterForm(request.GET)
    context = {"title": "Decision journal", "filters": filters, **_timeline(request, filters)}
    if request.headers.get("HX-Request") and request.headers.get("HX-Target") == "journal-timeline":
        return render(request, "journal/_timeline.html", context)
    context["form"] = EntryForm() if roles.has_role(request.user, *WRITERS) else None
    context["kinds"] = sorted(links.KINDS.values(), key=lambda k: k.name)
    status = 200 if filters.is_valid() else 400
    return render(request, "journal/timeline.html", context, status=status)


@roles.role_page(*WRITERS)
@require_POST
def entry_add(request: HttpRequest) -> HttpResponse:
    """Quick add and amend: the same service as POST /api/v1/pms/journal."""
    form = EntryForm(request.POST)
    if form.is_valid():
        try:
            entry = journal_entry_add(author=request.user, **form.service_kwargs())
        except ServiceError as error:
            form.add_service_error(error)
        else:
            return redirect("journal:entry", pk=entry.pk)
    amending = form.data.get("supersedes", "")
    if amending.isdigit() and JournalEntry.objects.filter(pk=int(amending)).exists():
        return _entry_page(request, get_object_or_404(JournalEntry, pk=int(amending)), form, status=400)
    filters = JournalFilterForm({})
    context = {"title": "Decision journal", "filters": filters, "form": form, **_timeline(request, filters)}
    context["kinds"] = sorted(links.KINDS.values(), key=lambda k: k.name)
    return render(request, "journal/timeline.html", context, status=400)


@roles.role_page(*READERS)
@require_GET
def entry_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _entry_page(request, get_object_or_404(JournalEntry.objects.select_related("author"), pk=pk))


def _entry_page(request: HttpRequest, entry: JournalEntry, form: EntryForm | None = None, status: int = 200):
    versions = selectors.versions(entry)
    newest = versions[-1]
    can_write = roles.has_role(request.user, *WRITERS)
    refusal = newest.amend_refusal(request.user)
    if form is None and can_write:
        form = _answer_form() if refusal else _amend_form(newest)
    context = {
        "title": f"Journal entry #{entry.pk}",
        "entry": entry,
        "versions": versions,
        "newest": newest,
        "verified": selectors.hash_verified(entry),
        "link_rows": [(link, links.KINDS.get(link["kind"])) for link in entry.links],
        "form": form if can_write else None,
        "amend_refusal": refusal,
        "kinds": sorted(links.KINDS.values(), key=lambda k: k.name),
        "preset_links": [f"entry:{newest.pk}"]
        if refusal
        else [f"{link['kind']}:{link['id']}" for link in newest.links],
    }
    return render(request, "journal/entry.html", context, status=status)


def _amend_form(newest: JournalEntry) -> EntryForm:
    initial = {"entry_type": newest.entry_type, "content": newest.content, "tags": ", ".join(newest.tags)}
    return EntryForm(initial={**initial, "supersedes": newest.pk})


def _answer_form() -> EntryForm:
    """Where amending is refused: a new entry, linked to this one (the picker is preset)."""
    return EntryForm(initial={"entry_type": "note"})


@roles.role_page(*WRITERS)
@require_POST
def preview(request: HttpRequest) -> HttpResponse:
    """htmx: the Markdown as it will render (sanitized exactly like the stored entry)."""
    text = request.POST.get("content", "")[:40_000]
    return HttpResponse(markdown_html(text) or '<p class="help">Nothing to preview yet.</p>')


@roles.role_page(*WRITERS)
@require_GET
def link_search(request: HttpRequest) -> HttpResponse:
    """htmx: candidates for the link picker, as checkboxes named `link`."""
    kind = request.GET.get("link_kind", "")
    found = links.candidates(kind, request.GET.get("link_q", "")[:100])
    return render(request, "journal/_link_options.html", {"kind": kind, "found": found})
