"""Fixtures of the backups tests: a private BACKUP_DIR and maintenance flag, some audited rows."""

import pytest

from audit.services import event_record


@pytest.fixture(autouse=True)
def backup_dir(settings, tmp_path):
    """Every test writes its backups and its maintenance flag under its own tmp_path."""
    settings.BACKUP_DIR = tmp_path / "backups"
    settings.MAINTENANCE_FLAG_PATH = tmp_path / "maintenance.json"
    return settings.BACKUP_DIR


@pytest.fixture
def audited_rows():
    """A few audit events on two chains: something for the chains and counts to check."""

    def make(count: int = 5) -> None:
        for index in range(count):
            event_record(actor="system:tests", action="audit.chains.verified", payload={"n": index})
            event_record(actor="system:tests", action="auth.token.created", payload={"n": index})

    return make
