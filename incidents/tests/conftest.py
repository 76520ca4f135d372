"""Incident fixtures: a declared P1 following the database-unavailable runbook."""

import pytest

from incidents.services import incident_declare


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
