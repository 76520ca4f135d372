"""Forms of reconciliation's pages; the services check the statement, and their errors land here."""

import datetime as dt

from django import forms
from django.utils import timezone


class StatementForm(forms.Form):
    file = forms.FileField(help_text="The broker's CSV: instrument, direction, quantity, average_price (UTF-8).")
    as_of = forms.DateTimeField(
        label="Statement time",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local", "step": 1}),
        help_text="The moment the broker's positions describe (your local time).",
    )

    def clean_as_of(self):
        value = self.cleaned_data.get("as_of")
        if value and value > timezone.now() + dt.timedelta(seconds=5):
            raise forms.ValidationError("A statement cannot describe the future; choose a past moment.")
        return value


class ExplanationForm(forms.Form):
    explanation = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        help_text="Why no correction is needed (e.g. a fill the broker booked after the statement's time).",
    )
