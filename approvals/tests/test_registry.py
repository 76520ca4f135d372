"""The registry of approvable actions: one class per action, a name (or former name) to one class."""

import pytest

from approvals import registry
from approvals.services import approval_request_create

from .conftest import HarmlessAction


class Renamed(registry.Approvable):
    name = "approvals.renamed_action"
    label = "Renamed test action"
    aliases = ("approvals.old_action",)

    def execute(self, request, *, actor):
        return {}


@pytest.fixture
def renamed():
    registry.register(Renamed)
    yield Renamed
    registry.ACTIONS.pop(Renamed.name, None)
    registry.ALIASES.pop("approvals.old_action", None)


def test_a_former_name_resolves_to_the_class_and_opens_requests_under_the_new_name(renamed, people):
    assert isinstance(registry.get("approvals.old_action"), Renamed)
    request = approval_request_create(actor=people["pam"], action="approvals.old_action", payload={}, reason="r")
    assert request.action == "approvals.renamed_action"


def test_an_action_without_a_label_or_a_dotted_name_is_refused():
    class Nameless(registry.Approvable):
        label = "No name"

    class Unlabelled(registry.Approvable):
        name = "approvals.unlabelled"

    for cls in (Nameless, Unlabelled):
        with pytest.raises(ValueError, match="needs a label and a name"):
            registry.register(cls)
    assert "approvals.unlabelled" not in registry.ACTIONS


def test_a_name_taken_by_another_class_is_refused(action):
    class Impostor(registry.Approvable):
        name = "approvals.impostor"
        label = "Impostor"
        aliases = (HarmlessAction.name,)

    with pytest.raises(ValueError, match="already HarmlessAction's"):
        registry.register(Impostor)
    assert isinstance(registry.get(HarmlessAction.name), HarmlessAction)
    assert "approvals.impostor" not in registry.ACTIONS


def test_the_base_class_validates_nothing_and_describes_nothing():
    assert registry.Approvable().validate({"anything": 1}) is None
    assert registry.Approvable().describe({}) == {}
