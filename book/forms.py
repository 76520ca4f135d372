"""Forms of the book's pages; the services do the real validation and their errors land on these fields."""

import datetime as dt
from decimal import Decimal

from django import forms
from django.utils import timezone

from core.errors import ServiceError

from .models import Direction, Instrument, PositionStatus


class BookFilter(forms.Form):
    status = forms.ChoiceField(choices=[("", "All"), *PositionStatus.choices], required=False)
    instrument = forms.ModelChoiceField(
        Instrument.objects.all(), required=False, to_field_name="symbol", empty_label="All"
    )
    as_of = forms.DateTimeField(
        required=False,
        label="As of",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text="Your local time; empty for now.",
    )

    def clean_as_of(self):
        value = self.cleaned_data.get("as_of")
        if value and value > timezone.now() + dt.timedelta(seconds=5):
            raise forms.ValidationError("The book of the future is not written yet; choose a past moment.")
        return value


class ServiceErrorsMixin:
    """Put a refused write's messages on the fields it names (all of them at once), else on the form."""

    def add_service_error(self, exc: ServiceError) -> None:
        placed = False
        for name, messages in exc.fields.items():
            field = name.split(".")[-1]
            if field in self.fields:
                self.add_error(field, messages if isinstance(messages, list) else [str(messages)])
                placed = True
        if not placed or exc.code == "conflict":
            self.add_error(None, exc.detail)


def _number(label: str, help_text: str = "", required: bool = False) -> forms.CharField:
    """A number typed as text: the service checks it, so every wrong field is reported in one answer."""
    return forms.CharField(
        label=label,
        required=required,
        max_length=40,
        help_text=help_text,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )


class OpenPositionForm(ServiceErrorsMixin, forms.Form):
    """Every field is optional here on purpose: the service names all the missing and wrong ones together."""

    instrument = forms.ChoiceField(label="Instrument", required=False)
    direction = forms.ChoiceField(label="Direction", choices=[("", "—"), *Direction.choices], required=False)
    size = _number("Size", "Lots, greater than 0.")
    entry_price = _number("Entry price")
    stop_price = _number("Stop price", "Optional.")
    notes = forms.CharField(label="Notes", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        symbols = Instrument.objects.order_by("symbol").values_list("symbol", flat=True)
        self.fields["instrument"].choices = [("", "—"), *((s, s) for s in symbols)]

    def facts(self) -> dict:
        data = self.cleaned_data
        return {k: data[k] or None for k in ("instrument", "direction", "size", "entry_price", "stop_price")}


class ClosePositionForm(ServiceErrorsMixin, forms.Form):
    exit_price = _number("Exit price", "The price the position was closed at.", required=False)
    notes = forms.CharField(label="Notes", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    reason = forms.CharField(
        label="Reason (an exit away from the market)",
        required=False,
        max_length=2000,
        help_text="Needed when the exit price is beyond the instrument's tolerance from the latest good price: "
        "such a close waits for a second person.",
    )


class CloseAllForm(ServiceErrorsMixin, forms.Form):
    reason = forms.CharField(
        label="Reason",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Why the whole book must close now.",
    )


class FindPosition(forms.Form):
    q = forms.CharField(label="Position id or instrument", max_length=40)


class CorrectionForm(ServiceErrorsMixin, forms.Form):
    instrument = forms.ModelChoiceField(Instrument.objects.all(), to_field_name="symbol")
    direction = forms.ChoiceField(choices=Direction.choices)
    size = forms.DecimalField(max_digits=16, decimal_places=4, help_text="Lots.")
    entry_price = forms.DecimalField(max_digits=20, decimal_places=6)
    stop_price = forms.DecimalField(max_digits=20, decimal_places=6, required=False)
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), help_text="E.g. what the broker statement shows."
    )
    origin = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)

    def correct(self) -> dict:
        data = self.cleaned_data
        return {
            "instrument": data["instrument"].symbol,
            **{k: data[k] for k in ("direction", "size", "entry_price", "stop_price")},
        }


class PriceForm(ServiceErrorsMixin, forms.Form):
    """A price a person gives: a manual price or an MTM override, both for a second person to approve."""

    instrument = forms.ModelChoiceField(Instrument.objects.all(), to_field_name="symbol")
    price = forms.DecimalField(max_digits=20, decimal_places=6, min_value=Decimal("0.000001"))
    source = forms.CharField(max_length=80, help_text="Where the price comes from: Bloomberg, broker, exchange…")
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), help_text="Why not the feed's price.")

    def price_item(self) -> dict:
        data = self.cleaned_data
        return {"instrument": data["instrument"].symbol, "price": data["price"], "source": data["source"]}


class PriceListFilter(forms.Form):
    instrument = forms.ModelChoiceField(
        Instrument.objects.all(), required=False, to_field_name="symbol", empty_label="All"
    )
    status = forms.ChoiceField(
        choices=[("", "All"), ("usable", "Usable by MTM"), ("held", "Held or set aside")], required=False
    )
