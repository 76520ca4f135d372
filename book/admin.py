"""Admin of the book: browse everything; add instruments and upload prices through the services."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import path

from core.admin import AppendOnlyAdmin, ReadOnlyAdmin, RoleAdmin
from core.errors import ServiceError
from core.roles import OPS, PM, has_role

from . import csv_prices, services
from .models import Instrument, LedgerEntry, MtmRun, PortfolioState, Position, Price, PriceException


@admin.register(Instrument)
class InstrumentAdmin(RoleAdmin):
    """Instruments are added here; never changed, as their point value prices every recorded P&L."""

    list_display = ["symbol", "name", "asset_class", "currency", "point_value", "margin_per_lot"]
    search_fields = ["symbol", "name"]

    def has_change_permission(self, request, obj=None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        try:
            created = services.instrument_create(
                actor=request.user,
                symbol=obj.symbol,
                name=obj.name,
                currency=obj.currency,
                point_value=obj.point_value,
                margin_per_lot=obj.margin_per_lot,
                asset_class=obj.asset_class,
                price_tolerance_pct=obj.price_tolerance_pct,
            )
        except ServiceError as exc:
            raise ValidationError(exc.detail) from exc
        obj.pk = created.pk


@admin.register(Position)
class PositionAdmin(ReadOnlyAdmin):
    list_display = [
        "id",
        "instrument",
        "direction",
        "size",
        "entry_price",
        "status",
        "current_price",
        "unrealized_pnl",
        "realized_pnl",
        "opened_at",
    ]
    list_filter = ["status", "direction", "instrument"]
    list_select_related = ["instrument"]
    search_fields = ["=id", "instrument__symbol", "notes"]


UPLOADERS = (PM, OPS)


class PriceUpload(forms.Form):
    file = forms.FileField(help_text="CSV with header instrument,price,source[,as_of] (as_of in ISO 8601).")
    reason = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Prices uploaded by a person are manual prices: say why; a second person approves them.",
    )


@admin.register(Price)
class PriceAdmin(AppendOnlyAdmin):
    list_display = ["instrument", "price", "source", "manual", "as_of", "recorded_by", "recorded_at"]
    list_filter = ["instrument", "manual", "source"]
    list_select_related = ["instrument"]
    change_list_template = "admin/book/price/change_list.html"

    def get_urls(self):
        upload = path("upload/", self.role_view(self.upload, *UPLOADERS), name="book_price_upload")
        return [upload, *super().get_urls()]

    def changelist_view(self, request, extra_context=None):
        context = {"can_upload": has_role(request.user, *UPLOADERS), **(extra_context or {})}
        return super().changelist_view(request, extra_context=context)

    def upload(self, request):
        form = PriceUpload(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                result = services.prices_record(
                    actor=request.user,
                    prices=csv_prices.parse(form.cleaned_data["file"]),
                    reason=form.cleaned_data["reason"],
                )
            except ServiceError as exc:
                form.add_error("reason" if "reason" in exc.fields else "file", f"{exc.detail} {_fields(exc)}".strip())
            else:
                messages.success(request, _uploaded(result))
                return redirect("admin:book_price_changelist")
        context = {
            **self.admin_site.each_context(request),
            "form": form,
            "title": "Upload prices (CSV)",
            "opts": self.model._meta,
        }
        return render(request, "admin/book/price/upload.html", context)


def _uploaded(result) -> str:
    if isinstance(result, list):
        return f"{len(result)} prices recorded."
    return f"Manual prices sent for approval (request #{result.pk}): they take effect once a second person approves."


def _fields(exc: ServiceError) -> str:
    return "; ".join(f"{k}: {v[0] if isinstance(v, list) else v}" for k, v in exc.fields.items())


@admin.register(MtmRun)
class MtmRunAdmin(AppendOnlyAdmin):
    list_display = ["id", "ran_at", "ran_by", "positions_marked", "unrealized_pnl", "manual", "approval_id"]
    list_filter = ["manual"]


@admin.register(PriceException)
class PriceExceptionAdmin(ReadOnlyAdmin):
    """Held prices and what cleared them; cleared only by a second source or an approved manual price."""

    list_display = ["id", "instrument", "kind", "status", "resolution", "raised_at", "cleared_at", "cleared_by"]
    list_filter = ["status", "kind"]
    list_select_related = ["instrument"]


@admin.register(LedgerEntry)
class LedgerEntryAdmin(AppendOnlyAdmin):
    list_display = [
        "seq",
        "kind",
        "position",
        "status",
        "price",
        "unrealized_pnl",
        "realized_pnl",
        "recorded_at",
        "actor",
    ]
    list_filter = ["kind"]
    list_select_related = ["position"]


@admin.register(PortfolioState)
class PortfolioStateAdmin(ReadOnlyAdmin):
    list_display = ["closed_equity", "total_risk_amount", "margin_used", "open_positions", "updated_at"]
