"""The role table is read from the apps' GRANTS tables; a grant to a role that does not exist is a wiring error."""

from types import SimpleNamespace

import pytest
from django.core.exceptions import ImproperlyConfigured

from core import roles


@pytest.fixture
def table(monkeypatch):
    """An empty role table, so the test reads only the configs it names."""
    fresh = {role: set() for role in roles.ROLE_PERMISSIONS}
    monkeypatch.setattr(roles, "ROLE_PERMISSIONS", fresh)
    return fresh


def _configs(monkeypatch, *configs) -> None:
    monkeypatch.setattr(roles.apps, "get_app_configs", lambda: list(configs))


def test_the_grants_of_every_app_are_merged_per_role(table, monkeypatch):
    _configs(
        monkeypatch,
        SimpleNamespace(name="one", grants={roles.PM: ("one.view_a",), roles.OPS: ("one.view_a", "one.add_a")}),
        SimpleNamespace(name="two", grants={roles.PM: ("two.view_b",)}),
        SimpleNamespace(name="none"),  # an app without a table grants nothing
    )
    roles.read_grants()
    assert table[roles.PM] == {"one.view_a", "two.view_b"}
    assert table[roles.OPS] == {"one.view_a", "one.add_a"}
    assert table[roles.AUDITOR] == set()


def test_a_grant_to_an_unknown_role_is_refused(table, monkeypatch):
    _configs(monkeypatch, SimpleNamespace(name="one", grants={"Trader": ("one.view_a",)}))
    with pytest.raises(ImproperlyConfigured, match="one grants permissions to 'Trader', which is not a role"):
        roles.read_grants()
    assert all(not perms for perms in table.values())
