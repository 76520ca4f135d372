"""Incident fixtures: a declared P1 following the database-unavailable runbook."""

import pytest
from django.core.cache import cache

from incidents.services import incident_declare


@pytest.fixture(autouse=True)
def _clear_cache():
    """The war room reads the cached trading state: each test starts without an earlier test's halt."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def incident(people):
    return incident_declare(
        actor=people["ivy"],
        title="Database unavailable",
        severity="P1",
        detected_by="probe:database",
        runbook="database-unavailable",
        symptoms="API returns 500 on data endpoints",
        impact={"trading_halted": True},
    )
