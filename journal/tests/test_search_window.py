"""`q=` on PostgreSQL: the newest WINDOW matches, found range by range, are exactly those of ordering every match."""

import datetime as dt

import pytest
from django.contrib.postgres.search import SearchQuery
from django.utils import timezone

from journal import search, selectors
from journal.models import JournalEntry

pytestmark = pytest.mark.postgres

INSTRUMENTS = ("USDBRL", "EURUSD", "USDJPY", "GOLD")
QUERIES = (
    "volatilities", "margin limit", "USDBRL stop-loss", "pipeline failed",  # the bench's
    '"stop-loss on USDBRL"', "stop-loss -USDBRL", "USDBRL or GOLD", "ancient", "nowhere", "the", "'unbalanced",
)  # fmt: skip


def _content(n: int) -> str:
    """Dense, sparse and old-only terms, so some queries fill the window in the first range and others never do."""
    words = [f"Implied volatility on {INSTRUMENTS[n % 4]} spiked."] if n % 2 else []
    if n % 9 == 0:
        words.append(f"Stop-loss on {INSTRUMENTS[n % 4]} triggered; reduced exposure.")
    if n % 5 == 0:
        words.append("Margin used rose; risk limit review.")
    if n % 23 == 0:
        words.append("Morning pack regenerated after the pipeline failed.")
    if n < 4:
        words.append("An ancient entry.")
    return " ".join(words) or "Nothing to see."


def _reference(q: str, **filters) -> list[int]:
    """The single statement the ranges replace: every match ordered by id, the WINDOW newest kept, then ranked."""
    qs = selectors.entry_list(**filters).order_by()  # the filters, without `q`
    query = SearchQuery(q, config=search.CONFIG, search_type="websearch")
    newest = qs.alias(s=search.SearchColumn()).filter(s=query).order_by("-pk").values("pk")[: search.WINDOW]
    ranked = qs.filter(pk__in=newest).annotate(rank=search.SearchRank(search.SearchColumn(), query))
    return list(ranked.order_by("-rank", "-pk").values_list("pk", flat=True))


@pytest.fixture
def entries(add, people):
    start = timezone.now() - dt.timedelta(days=200)
    made = [
        add(_content(n), entry_type=("note", "risk")[n % 2], occurred_at=start + dt.timedelta(days=n))
        for n in range(160)
    ]
    for n in (9, 45, 151):  # an amended match leaves the lists; its amendment may or may not match
        add("Amended: USDBRL stop-loss reviewed." if n == 45 else "Amended.", supersedes=made[n])
    return made


@pytest.mark.parametrize("window, span", [(5, 8), (7, 1), (500, 8000)])
def test_ranges_find_exactly_the_newest_matches(entries, monkeypatch, window, span):
    monkeypatch.setattr(search, "WINDOW", window)
    monkeypatch.setattr(search, "SPAN", span)
    since = entries[40].occurred_at
    for filters in ({}, {"entry_type": "risk"}, {"since": since, "until": since + dt.timedelta(days=30)}):
        for q in QUERIES:
            found = list(selectors.entry_list(q=q, **filters).values_list("pk", flat=True))
            assert found == _reference(q, **filters), (q, filters)


def test_the_window_is_the_newest_matches_when_older_ones_exist(entries, monkeypatch):
    monkeypatch.setattr(search, "WINDOW", 5)
    monkeypatch.setattr(search, "SPAN", 8)
    found = set(selectors.entry_list(q="USDBRL stop-loss").values_list("pk", flat=True))
    every = (
        JournalEntry.objects.latest_versions()
        .filter(content__icontains="stop-loss")
        .filter(content__icontains="usdbrl")
    )
    assert found == set(every.order_by("-pk").values_list("pk", flat=True)[:5]) and len(found) == 5


def test_an_empty_journal_finds_nothing(db):
    assert list(selectors.entry_list(q="volatility")) == []
