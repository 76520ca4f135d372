"""The registry of audit actions: one TextChoices class per namespace, `namespace.noun.verb` names only."""

import pytest
from django.db import models

from audit import registry
from audit.models import Event
from audit.services import event_record

from .conftest import ThingAction


def test_an_unregistered_action_is_refused_and_nothing_is_written(db):
    with pytest.raises(registry.UnknownAction, match=r"audittest\.thing\.exploded"):
        event_record(actor=None, action="audittest.thing.exploded")
    assert not Event.objects.exists()


def test_a_registered_member_is_recorded_under_its_namespace_chain(db):
    event = event_record(actor=None, action=ThingAction.CREATED)
    stored = Event.objects.get(pk=event.pk)
    assert (stored.chain, stored.action) == ("audittest", "audittest.thing.created")
    assert registry.ACTIONS["audittest.thing.created"] == "test: a thing was created"


def test_every_installed_apps_declared_actions_are_registered():
    assert registry.ACTIONS["audit.chain.broken"] == "A hash chain failed verification (first detection)"
    assert {name.split(".", 1)[0] for name in registry.ACTIONS} >= {"audit", "auth", "approvals", "journal"}


def test_registering_the_same_class_again_changes_nothing():
    before = dict(registry.ACTIONS)
    registry.register(ThingAction)
    assert before == registry.ACTIONS


@pytest.mark.parametrize("value", ["audittest.thing", "audittest.thing.created.twice", "Audittest.thing.made", "x..y"])
def test_a_name_not_namespace_noun_verb_is_refused(value):
    bad = models.TextChoices("BadAction", [("BAD", (value, "bad"))])
    with pytest.raises(ValueError, match=r"namespace\.noun\.verb"):
        registry.register(bad)
    assert value not in registry.ACTIONS


def test_a_class_mixing_namespaces_is_refused():
    mixed = models.TextChoices("MixedAction", [("A", ("mixone.thing.done", "a")), ("B", ("mixtwo.thing.done", "b"))])
    with pytest.raises(ValueError, match="mixes the namespaces"):
        registry.register(mixed)
    assert "mixone.thing.done" not in registry.ACTIONS


def test_a_namespace_already_declared_by_another_class_is_refused():
    intruder = models.TextChoices("IntruderAction", [("FORGED", ("audittest.thing.forged", "forged"))])
    with pytest.raises(ValueError, match="already ThingAction's"):
        registry.register(intruder)
    assert "audittest.thing.forged" not in registry.ACTIONS
