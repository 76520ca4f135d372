"""Admin of incidents: configuration (severities, rota, escalation path), runbooks as versions, read-only records."""

from django import forms
from django.contrib import admin

from core.admin import AppendOnlyAdmin, ReadOnlyAdmin, ReadOnlyInline, RoleAdmin, send_again_action

from . import outbox
from .models import (
    Delivery,
    EscalationLevel,
    Incident,
    OnCallShift,
    Runbook,
    RunbookVersion,
    Severity,
    Subscriber,
    TimelineEvent,
)
from .services import communications, config, runbooks


class ConfigAdmin(RoleAdmin):
    """Saves go through the audited configuration service."""

    def save_model(self, request, obj, form, change):
        config.config_save(actor=request.user, obj=obj, changed=form.changed_data)


@admin.register(Severity)
class SeverityAdmin(ConfigAdmin):
    list_editable = [
        "acknowledge_minutes",
        "response_minutes",
        "pages",
        "escalate_until_resolved",
        "update_cadence_minutes",
        "status_update_minutes",
    ]
    list_display = ["code", "description", *list_editable]
    readonly_fields = ["code"]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(EscalationLevel)
class EscalationLevelAdmin(ConfigAdmin):
    list_display = ["level", "name", "email", "webhook_url"]


@admin.register(OnCallShift)
class OnCallShiftAdmin(ConfigAdmin):
    list_display = ["role", "primary", "backup", "starts_on", "ends_on"]
    list_filter = ["role"]
    list_select_related = ["primary", "backup"]
    date_hierarchy = "starts_on"


class RunbookForm(forms.ModelForm):
    """The current version's content; saving appends a new version (one step per line)."""

    recognition = forms.CharField(widget=forms.Textarea)
    diagnostic_steps = forms.CharField(widget=forms.Textarea, required=False, help_text="One step per line.")
    recovery_actions = forms.CharField(widget=forms.Textarea, required=False, help_text="One step per line.")
    verification = forms.CharField(widget=forms.Textarea, required=False, help_text="One check per line.")
    escalate_if = forms.CharField(widget=forms.Textarea, required=False)

    class Meta:
        model = Runbook
        fields = ["title", "source"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        current = self.instance.current if self.instance.pk else None
        if current:
            for name in runbooks.CONTENT:
                value = getattr(current, name)
                self.initial[name] = "\n".join(value) if isinstance(value, list) else value


class RunbookVersionInline(ReadOnlyInline):
    model = RunbookVersion
    fields = ["number", "created_at", "created_by"]
    readonly_fields = fields
    ordering = ["-number"]


@admin.register(Runbook)
class RunbookAdmin(RoleAdmin):
    form = RunbookForm
    list_display = ["slug", "title", "source"]
    search_fields = ["slug", "title"]
    readonly_fields = ["slug"]
    inlines = [RunbookVersionInline]

    def has_add_permission(self, request) -> bool:
        return False

    def save_model(self, request, obj, form, change):
        content = {name: form.cleaned_data[name] for name in (*runbooks.CONTENT, "title", "source")}
        runbooks.runbook_revise(actor=request.user, runbook=obj, **content)


@admin.register(RunbookVersion)
class RunbookVersionAdmin(AppendOnlyAdmin):
    list_display = ["runbook", "number", "created_at", "created_by"]
    list_select_related = ["runbook"]
    list_filter = ["runbook"]


@admin.register(Incident)
class IncidentAdmin(ReadOnlyAdmin):
    """Read-only here: incidents are run from the war room and the API."""

    list_display = ["id", "severity", "status", "title", "declared_at", "escalation_level"]
    list_filter = ["status", "severity"]
    search_fields = ["title"]
    date_hierarchy = "declared_at"


@admin.register(TimelineEvent)
class TimelineEventAdmin(AppendOnlyAdmin):
    list_display = ["incident", "seq", "kind", "author", "occurred_at", "text"]
    list_filter = ["kind"]
    list_select_related = ["incident"]


class SubscriberForm(forms.ModelForm):
    severities = forms.MultipleChoiceField(choices=Severity._meta.get_field("code").choices)

    class Meta:
        model = Subscriber
        fields = ["email", "severities", "active"]


@admin.register(Subscriber)
class SubscriberAdmin(RoleAdmin):
    """Who is e-mailed when incidents of their severities are declared, updated, resolved."""

    form = SubscriberForm
    list_display = ["email", "severities", "active", "created_at", "created_by"]
    list_filter = ["active"]
    search_fields = ["email"]

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        communications.subscriber_save(
            actor=request.user,
            email=data["email"],
            severities=list(data["severities"]),
            active=data["active"],
            subscriber=obj if change else None,
        )

    def delete_model(self, request, obj):
        communications.subscriber_remove(actor=request.user, subscriber=obj)

    def get_actions(self, request) -> dict:
        return {}  # bulk delete would bypass the audited service


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    """The outbox: what was sent to whom, how many tries, and why it failed."""

    list_display = ["id", "incident", "purpose", "channel", "target", "state", "attempts", "created_at"]
    list_filter = ["state", "purpose", "channel"]
    list_select_related = ["incident"]
    show_full_result_count = False
    search_fields = ["=id", "target", "last_error"]
    actions = [
        send_again_action(lambda actor, pk: outbox.resend(actor=actor, delivery_id=pk), "delivery", "deliveries")
    ]
