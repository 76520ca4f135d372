from django.apps import AppConfig


class BookConfig(AppConfig):
    name = "book"
    verbose_name = "Position book"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from approvals import registry as approvals
        from audit import registry
        from core import roles
        from journal import links

        from . import triggers
        from .models import Position
        from .services import corrections, marks, prices

        registry.register(
            {
                "book.instrument.created": "Instrument added",
                "book.position.opened": "Position opened",
                "book.position.closed": "Position closed",
                "book.prices.recorded": "Prices recorded",
                "book.mtm.ran": "Mark-to-market run",
                "book.correction.executed": "Compensating correction executed",
            }
        )
        approvals.register(
            corrections.CORRECTION,
            corrections.correction_execute,
            validate=corrections.correction_validate,
            label="Compensating correction of a position",
            describe=corrections.correction_describe,
        )
        approvals.register(
            marks.PRICE_OVERRIDE,
            marks.price_override_execute,
            validate=marks.price_override_validate,
            label="Manual mark-to-market price override",
            describe=marks.price_override_describe,
        )
        approvals.register(
            prices.MANUAL_PRICE,
            prices.manual_price_execute,
            validate=prices.manual_price_validate,
            label="Manual market price (typed by a person)",
            describe=prices.manual_price_describe,
        )
        links.register_kind(
            "position",
            lambda pk: str(pk).isdigit() and Position.objects.filter(pk=int(pk)).exists(),
            label="position",
        )
        for perm in (
            "view_instrument",
            "view_position",
            "view_price",
            "view_mtmrun",
            "view_ledgerentry",
            "view_portfoliostate",
            "add_price",
        ):
            roles.grant(roles.PM, f"book.{perm}")
        for role in (roles.APPROVER, roles.OPS, roles.AUDITOR):
            roles.grant(
                role,
                *(
                    f"book.view_{m}"
                    for m in ("instrument", "position", "price", "mtmrun", "ledgerentry", "portfoliostate")
                ),
            )
        roles.grant(roles.OPS, "book.add_instrument", "book.add_price")
        post_migrate.connect(triggers.install_after_migrate, sender=self, dispatch_uid="book.position_triggers")
