"""The apps' declarations, as the product runs them: audit actions, approvable actions, link kinds, grants, guards."""

from django.apps import apps

from approvals import registry as approvals
from audit import registry as audit
from backups.restores import DatabaseRestore
from book.guards import correction_hooks, correction_locks, open_guards
from book.services import CloseAll, CloseOffMarket, Correction, ManualPrice, MtmApproval, PriceOverride
from core import roles
from journal import links
from ops.guards import refuse_when_halted
from ops.services import TradingResume
from recon.services import BreakExplanation, break_correction_executed, break_correction_lock


def test_every_apps_audit_actions_are_registered_in_its_own_namespace():
    for config in apps.get_app_configs():
        for actions in getattr(config, "audit_actions", ()):
            assert set(actions.values) <= set(audit.ACTIONS)
            if config.label != "audit":  # audit also keeps the token namespace, `auth`
                assert {value.split(".", 1)[0] for value in actions.values} == {config.label}


def test_the_approvable_actions_and_the_renamed_restore():
    registered = {name: type(action) for name, action in approvals.ACTIONS.items() if name != "approvals.test_action"}
    assert registered == {
        "book.correction": Correction,
        "book.price_override": PriceOverride,
        "book.manual_price": ManualPrice,
        "book.mtm_run": MtmApproval,
        "book.close_off_market": CloseOffMarket,
        "book.close_all": CloseAll,
        "ops.trading_resume": TradingResume,
        "backups.restore": DatabaseRestore,
        "recon.break_explanation": BreakExplanation,
    }
    assert isinstance(approvals.get("ops.restore"), DatabaseRestore)


def test_the_journal_links_to_positions_incidents_entries_and_approval_requests():
    labels = {name: kind.label for name, kind in links.KINDS.items()}
    assert labels == {
        "position": "position",
        "incident": "incident",
        "entry": "journal entry",
        "approval": "approval request",
        "recon_run": "reconciliation run",
        "recon_break": "break",
    }


def test_the_role_table_is_every_apps_grants():
    for config in apps.get_app_configs():
        for role, perms in getattr(config, "grants", {}).items():
            assert set(perms) <= roles.ROLE_PERMISSIONS[role], (config.label, role)
    assert "book.add_price" in roles.ROLE_PERMISSIONS[roles.PM]
    assert "django_celery_beat.change_periodictask" in roles.ROLE_PERMISSIONS[roles.OPS]
    assert not roles.ROLE_PERMISSIONS[roles.PRICE_FEED]


def test_a_position_opens_only_past_the_trading_halt_guard():
    assert open_guards() == [refuse_when_halted]


def test_an_executed_correction_is_followed_by_recon():
    assert correction_hooks() == [break_correction_executed]
    assert correction_locks() == [break_correction_lock]
