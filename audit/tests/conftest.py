"""Audit fixtures: a small, varied trail written through the one audit writer."""

import datetime as dt

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.db import models
from django.utils import timezone

from audit import registry
from audit.services import event_record
from audit.signing import write_private_key


class ThingAction(models.TextChoices):
    CREATED = "audittest.thing.created", "test: a thing was created"
    CLOSED = "audittest.thing.closed", "test: a thing was closed"


class ItemAction(models.TextChoices):
    DONE = "audittestother.item.done", "test: another namespace"


registry.register(ThingAction)
registry.register(ItemAction)


@pytest.fixture(autouse=True)
def signing_key(settings, tmp_path):
    """This test's own digest signing key (never the one under var/)."""
    path = tmp_path / "digest-signing.key"
    write_private_key(path, Ed25519PrivateKey.generate())
    settings.DIGEST_SIGNING_KEY_FILE = str(path)
    return path


@pytest.fixture
def clock(monkeypatch):
    """clock.at(datetime): events recorded from now on carry that time."""

    class Clock:
        def at(self, moment: dt.datetime) -> None:
            monkeypatch.setattr(timezone, "now", lambda: moment)

    return Clock()


@pytest.fixture
def trail(people, clock):
    """Eight events over three days by pam, audrey and the system, in two namespaces."""
    day = dt.datetime(2026, 11, 1, 9, 0, tzinfo=dt.UTC)
    rows = [
        (people["pam"], "audittest.thing.created", "thing", "1", {"name": "Zürich €", "qty": 3}),
        (people["pam"], "audittest.thing.closed", "thing", "1", {"reason": 'quote " and \\ backslash'}),
        (people["audrey"], "audittest.thing.created", "thing", "2", {}),
        ("probes", "audittestother.item.done", "item", "7", {"nested": {"b": [1, None, True], "a": "x"}}),
        (people["pam"], "audittest.thing.created", "thing", "3", {}),
        (people["audrey"], "audittest.thing.closed", "thing", "3", {}),
        ("probes", "audittestother.item.done", "item", "8", {}),
        (people["pam"], "audittest.thing.closed", "thing", "2", {}),
    ]
    events = []
    for index, (actor, action, kind, pk, payload) in enumerate(rows):
        clock.at(day + dt.timedelta(hours=9 * index))
        events.append(event_record(actor=actor, action=action, subject_type=kind, subject_id=pk, payload=payload))
    return events
