"""Every append-only table is hash-chained, so a superuser's rewrite of any row of any of them is
caught by verify_chains, which names the table and the row."""

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import models
from django.db.migrations.state import ProjectState

from approvals.services import approval_approve
from audit.chain import chained_models, verify_all
from audit.models import ChainedModel
from audit.operations import ChainExistingRows
from audit.triggers import InstallAppendOnlyTriggers, append_only_models
from book.models import Price
from book.services import marks, prices
from core.dbroles import connected_as_owner
from incidents.services import incident_declare
from journal.services import journal_entry_add
from ops.models import Heartbeat
from ops.services import heartbeats, trading

CHAINED = sorted(model._meta.db_table for model in chained_models())


def test_every_append_only_table_has_a_chain():
    unchained = [m._meta.label for m in append_only_models() if not issubclass(m, ChainedModel)]
    assert unchained == []


@pytest.fixture
def history(people, open_position):
    """At least one row in every chained table, written through the services."""
    open_position()
    prices.prices_record(
        actor=people["feed"],
        prices=[{"instrument": "GOLD_MINI", "price": "71450", "source": "feed", "as_of": "2026-12-01T09:00:00Z"}],
    )
    marks.mtm_run(actor=people["pam"])
    first = journal_entry_add(author=people["pam"], entry_type="note", content="Marked the book")
    journal_entry_add(author=people["pam"], entry_type="note", content="About it", links=[("entry", first.pk)])
    incident_declare(actor=people["ivy"], title="Risk mismatch", severity="P2", runbook="general-restore")
    Heartbeat.objects.create(name="pms-worker", period_seconds=60, grace_seconds=30)
    heartbeats.heartbeat_ping(actor="system:tests", name="pms-worker", leader=True, instance="worker-1")
    trading.trading_halt(actor=people["oscar"], reason="Emergency stop")
    request = trading.trading_resume_request(actor=people["oscar"], reason="Risk checked")
    approval_approve(actor=people["alice"], request_id=request.pk)


def _rewrite(model) -> tuple[str, str]:
    """SQL that changes one hashed value of a row, whatever the column's type."""
    for name in model.HASH_FIELDS:
        field = model._meta.get_field(name)
        column = f'"{field.column}"'
        if isinstance(field, models.ForeignKey):
            continue
        if isinstance(field, (models.CharField, models.TextField)):
            return column, f"CASE WHEN {column} = 'x' THEN 'y' ELSE 'x' END"
        if isinstance(field, models.DateTimeField):
            return column, f"{column} - interval '1 day'"
        if isinstance(field, (models.DecimalField, models.IntegerField)):
            return column, f"COALESCE({column}, 0) + 1"
        if isinstance(field, models.JSONField):
            return column, """'{"rewritten": true}'::jsonb"""
    raise AssertionError(f"no rewritable hashed field on {model._meta.label}")


@pytest.mark.postgres
@pytest.mark.parametrize("table", CHAINED)
def test_a_superuser_rewrite_of_any_row_is_caught_and_named(history, superuser_sql, table, capsys):
    model = next(m for m in chained_models() if m._meta.db_table == table)
    assert all(report.ok for report in verify_all())
    row = model.objects.order_by("pk").first()
    assert row is not None, f"the history fixture wrote no {table} row: extend it"
    column, value = _rewrite(model)
    superuser_sql(f'UPDATE "{table}" SET {column} = {value} WHERE id = %s', [row.pk])

    broken = [report.broken for report in verify_all() if not report.ok]
    assert [(b["table"], b["id"], b["field"]) for b in broken] == [(table, row.pk, "hash")]
    capsys.readouterr()
    with pytest.raises(SystemExit) as exit_info:
        call_command("verify_chains")
    assert exit_info.value.code == 1
    assert f"first broken link: table {table} seq {row.seq} row id {row.pk}" in capsys.readouterr().out


@pytest.mark.django_db(transaction=True)
def test_the_migration_links_existing_rows_as_append_would(people, gold):
    """ChainExistingRows (run by the migrations that chained a table) gives the same links."""
    for price in ("71450", "71500", "71380.5"):
        prices.prices_record(
            actor=people["feed"],
            prices=[{"instrument": "GOLD_MINI", "price": price, "source": "feed", "as_of": "2026-12-01T09:00:00Z"}],
        )
    linked = list(Price.objects.order_by("pk").values_list("pk", "chain", "seq", "prev_hash", "hash"))
    state = ProjectState.from_apps(apps)
    with connected_as_owner() as connection, connection.schema_editor() as editor:
        ChainExistingRows("price", "prices", Price.HASH_FIELDS).database_forwards("book", editor, state, state)
        InstallAppendOnlyTriggers("price").database_forwards("book", editor, state, state)
    assert list(Price.objects.order_by("pk").values_list("pk", "chain", "seq", "prev_hash", "hash")) == linked
    assert [s for _, _, s, _, _ in linked] == [1, 2, 3]
    assert all(report.ok for report in verify_all())
