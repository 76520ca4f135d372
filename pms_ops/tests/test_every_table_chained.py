"""Every append-only table is hash-chained, so a superuser's rewrite of any row of any of them is
caught by verify_chains, which names the table and the row."""

import datetime as dt
import importlib
from unittest import mock

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import models
from django.db.migrations.state import ProjectState
from django.utils import timezone

from approvals.services import approval_approve
from audit import tree
from audit.chain import chained_models, chains_of, verify_all
from audit.models import ChainedModel
from audit.operations import ChainExistingRows
from audit.selectors import checkpoint_latest
from audit.services import checkpoints_publish
from audit.signing import signing_key
from audit.triggers import InstallAppendOnlyTriggers, append_only_models
from book import services as book_services
from book.models import Price
from core.dbroles import connected_as_owner
from desk.services import item_sign
from incidents.services import incident_declare
from journal.services import journal_entry_add
from ops.models import Heartbeat
from ops.services import heartbeats, trading
from pms_audit import merkle, note
from recon.services import break_explain, statement_reconcile

CHAINED = sorted(model._meta.db_table for model in chained_models())


def test_every_append_only_table_has_a_chain():
    derived = [m for m in append_only_models() if getattr(m, "DERIVED_FROM_CHAINS", False)]
    unchained = [m._meta.label for m in append_only_models() if not issubclass(m, ChainedModel) and m not in derived]
    assert [m._meta.label for m in derived] == ["audit.MerkleNode"]
    assert unchained == []


@pytest.fixture
def history(people, open_position):
    """At least one row in every chained table, written through the services."""
    open_position()
    book_services.prices_record(
        actor=people["feed"],
        prices=[{"instrument": "GOLD_MINI", "price": "71450", "source": "feed", "as_of": "2026-12-01T09:00:00Z"}],
    )
    book_services.mtm_run(actor=people["pam"])
    first = journal_entry_add(author=people["pam"], entry_type="note", content="Marked the book")
    journal_entry_add(author=people["pam"], entry_type="note", content="About it", links=[("entry", first.pk)])
    incident_declare(actor=people["ivy"], title="Risk mismatch", severity="P2", runbook="general-restore")
    Heartbeat.objects.create(name="pms-worker", period_seconds=60, grace_seconds=30)
    heartbeats.heartbeat_ping(actor="system:tests", name="pms-worker", leader=True, instance="worker-1")
    trading.trading_halt(actor=people["oscar"], reason="Emergency stop")
    request = trading.trading_resume_request(actor=people["oscar"], reason="Risk checked")
    approval_approve(actor=people["alice"], request_id=request.pk)
    content = b"instrument,direction,quantity,average_price\nGOLD_MINI,LONG,3,71000\n"
    run = statement_reconcile(actor=people["pam"], content=content, as_of=timezone.now())
    break_explain(actor=people["pam"], break_id=run.breaks.first().pk, explanation="Late fill")
    monday_morning = dt.datetime(2026, 12, 7, 2, 0, tzinfo=dt.UTC)  # 07:30 IST, a trading day
    with mock.patch("django.utils.timezone.now", return_value=monday_morning):
        item_sign(actor=people["oscar"], day=monday_morning.date(), checklist="pre_market", item=1)


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
        book_services.prices_record(
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


def _leaves(model, chain: str) -> list[bytes]:
    hashes = model.objects.filter(chain=chain).order_by("seq").values_list("hash", flat=True)
    return [merkle.leaf_hash(bytes.fromhex(h)) for h in hashes]


def test_every_chain_gets_a_signed_checkpoint_of_its_merkle_tree(history):
    published = {item["log"]: item["tree_size"] for item in checkpoints_publish(actor="system:tests")}
    public = signing_key().public_key()
    for model in chained_models():
        for chain in chains_of(model):
            log = tree.log_name(model, chain)
            if log == "audit_event/audit":
                continue  # grows with the checkpoints themselves
            leaves = _leaves(model, chain)
            checkpoint = note.open_checkpoint(checkpoint_latest(log).payload["note"], public)
            assert published[log] == checkpoint.size == len(leaves)
            assert checkpoint.root == merkle.root_of(leaves)


@pytest.mark.django_db(transaction=True)
def test_the_migration_backfills_the_trees_of_existing_rows(history):
    migration = importlib.import_module("audit.migrations.0005_merklenode")
    with connected_as_owner() as connection, connection.schema_editor() as editor:
        migration.backfill(apps, editor)
    for model in chained_models():
        for chain in chains_of(model):
            leaves = _leaves(model, chain)
            assert tree.size(model._meta.db_table, chain) == len(leaves)
            assert tree.root(model._meta.db_table, chain, len(leaves)) == merkle.root_of(leaves)
