"""Link kinds are read from the models that declare `link_kind`; a kind declared twice is a wiring error."""

from types import SimpleNamespace

import pytest
from django.core.exceptions import ImproperlyConfigured

from journal import links
from journal.models import JournalEntry


def test_the_journal_declares_its_own_entries_as_a_kind(add):
    entry = add()
    kind = links.KINDS["entry"]
    assert kind.label == "journal entry"
    assert kind.exists(str(entry.pk)) and not kind.exists(str(entry.pk + 1)) and not kind.exists("x1")
    follow_up = add("Followed up on the note.", links=[("entry", entry.pk)])
    assert follow_up.links == [{"kind": "entry", "id": str(entry.pk)}]


def test_a_kind_declared_by_two_models_is_refused(monkeypatch):
    twin = SimpleNamespace(link_kind="entry", _meta=SimpleNamespace(label="elsewhere.Twin"))
    monkeypatch.setattr(links.apps, "get_models", lambda: [JournalEntry, twin])
    monkeypatch.setattr(links, "KINDS", {})
    with pytest.raises(ImproperlyConfigured, match=r"'entry' is declared by journal\.JournalEntry, elsewhere\.Twin"):
        links.read_kinds()
    assert links.KINDS == {}
