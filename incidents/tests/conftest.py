"""Incident fixtures: a declared P1 following the database-unavailable runbook."""

import importlib

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


@pytest.fixture
def seed_library(transactional_db):
    """Transactional tests: the flush between them empties the migration's rows; load them again."""
    from django.apps import apps

    from incidents.models import Runbook

    if not Runbook.objects.exists():
        library = importlib.import_module("incidents.migrations.0002_library")
        library.load(apps, None)
