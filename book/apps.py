from django.apps import AppConfig

from core.roles import APPROVER, AUDITOR, OPS, PM

from .actions import BookAction

VIEW = tuple(
    f"book.view_{model}"
    for model in (
        "instrument",
        "position",
        "price",
        "pricecheck",
        "priceexception",
        "mtmrun",
        "ledgerentry",
        "portfoliostate",
    )
)
GRANTS = {
    PM: (*VIEW, "book.add_price"),
    APPROVER: VIEW,
    OPS: (*VIEW, "book.add_instrument", "book.add_price"),
    AUDITOR: VIEW,
}


class BookConfig(AppConfig):
    name = "book"
    verbose_name = "Position book"
    audit_actions = (BookAction,)
    grants = GRANTS

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from approvals import registry

        from . import triggers
        from .services import CloseAll, CloseOffMarket, Correction, ManualPrice, MtmApproval, PriceOverride

        registry.register(Correction, PriceOverride, ManualPrice, MtmApproval, CloseOffMarket, CloseAll)
        post_migrate.connect(triggers.install_after_migrate, sender=self, dispatch_uid="book.position_triggers")
