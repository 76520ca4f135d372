"""The quick-add / amend form: what a person types, turned into `journal_entry_add` arguments."""

from django import forms
from django.utils import timezone

from core.errors import ServiceError

from .models import EntryType


class LinksField(forms.Field):
    """Ticked `kind:id` checkboxes from the link picker (a list; the service checks they exist)."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value) -> list[tuple[str, str]]:
        pairs = []
        for item in value or []:
            kind, sep, object_id = str(item).partition(":")
            if not sep or not kind or not object_id:
                raise forms.ValidationError(f"Malformed link {item!r}; pick it from the search results.")
            pairs.append((kind, object_id))
        return pairs


class EntryForm(forms.Form):
    entry_type = forms.ChoiceField(choices=EntryType.choices, initial=EntryType.NOTE)
    content = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5, "placeholder": "What happened, what you decided and why (Markdown)."}),
        strip=False,
    )
    tags = forms.CharField(required=False, help_text="Comma-separated, e.g. usdbrl, scenario-3")
    occurred_at = forms.DateTimeField(
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text="When it happened, if earlier than now.",
    )
    link = LinksField(required=False)
    supersedes = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        occurred_at = data.get("occurred_at")
        if occurred_at is not None and timezone.is_naive(occurred_at):
            occurred_at = timezone.make_aware(occurred_at)
        return {
            "entry_type": data["entry_type"],
            "content": data["content"],
            "tags": [t for t in (data.get("tags") or "").split(",") if t.strip()],
            "occurred_at": occurred_at,
            "links": data.get("link") or [],
            "supersedes": data.get("supersedes"),
        }

    def add_service_error(self, error: ServiceError) -> None:
        """Show a refused write on the field it concerns (links on the picker)."""
        if not error.fields:
            self.add_error(None, error.detail)
        for name, messages in error.fields.items():
            field = "link" if name.startswith("related_") else name
            for message in messages:
                self.add_error(field if field in self.fields else None, f"{error.detail} {message}".strip())
