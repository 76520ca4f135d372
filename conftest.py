"""Shared fixtures: named people per role, API clients per role, the append-only flush."""

import contextlib

import pytest
from django.contrib.auth.models import Group
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from core import roles

PEOPLE = {
    # username: role (None: no role at all)
    "pam": roles.PM,
    "paul": roles.PM,
    "alice": roles.APPROVER,
    "arthur": roles.APPROVER,
    "ivy": roles.INCIDENT_COMMANDER,
    "oscar": roles.OPS,
    "audrey": roles.AUDITOR,
    "nobody": None,
}


@pytest.fixture(autouse=True, scope="session")
def _append_only_flush():
    """Let the test runner's flush empty append-only tables (the app itself never can)."""
    from django.db import connections
    from django.test import TransactionTestCase

    from audit.triggers import purge_allowed

    original = TransactionTestCase._fixture_teardown

    def teardown(self):
        with contextlib.ExitStack() as stack:
            for alias in self._databases_names(include_mirrors=False):
                stack.enter_context(purge_allowed(connections[alias]))
            original(self)

    TransactionTestCase._fixture_teardown = teardown
    yield
    TransactionTestCase._fixture_teardown = original


def make_user(username: str, role: str | None = None, **extra):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user(
        username=username, password=f"{username}-pass", email=f"{username}@example.com", is_staff=True, **extra
    )
    if role:
        user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def people(db):
    """One named person per role: pam and paul (PM), alice and arthur (Approver), ivy (IC),
    oscar (Ops), audrey (Auditor), nobody (no role)."""
    return {name: make_user(name, role) for name, role in PEOPLE.items()}


def client_for(user) -> APIClient:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def api(people):
    """api["pam"] is an authenticated REST client for pam; api[None] is anonymous."""

    class Clients(dict):
        def __missing__(self, name):
            client = APIClient() if name is None else client_for(people[name])
            self[name] = client
            return client

    return Clients()
