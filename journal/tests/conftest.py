"""Journal fixtures: a stand-in `position` kind (the book registers the real one), entries, URLs."""

import pytest

from journal import links
from journal.services import journal_entry_add

LIST = "/api/v1/pms/journal"


@pytest.fixture
def positions(monkeypatch):
    """Position ids that exist, as a registered link kind; tests add ids to the set."""
    known = {"17", "18"}
    monkeypatch.setitem(links.KINDS, "position", links.LinkKind("position", lambda pk: pk in known, "position"))
    return known


@pytest.fixture
def widget_kind(monkeypatch):
    """A test-only link kind with a search function, for the browser's link picker."""
    names = {"1": "Widget one", "2": "Widget two"}

    def search(text, limit):
        return [(pk, name) for pk, name in names.items() if text.lower() in name.lower()][:limit]

    monkeypatch.setitem(links.KINDS, "widget", links.LinkKind("widget", names.__contains__, "widget", search))
    return names


@pytest.fixture
def add(people):
    """add(content, **kwargs) appends an entry as pam through the service."""

    def _add(content: str = "Closed position 17 at entry price.", **kwargs):
        kwargs.setdefault("entry_type", "note")
        kwargs.setdefault("author", people["pam"])
        return journal_entry_add(content=content, **kwargs)

    return _add
