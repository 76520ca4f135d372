"""Admin of approvals: policies are edited here (through the service); requests and decisions are read-only."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError

from core.admin import AppendOnlyAdmin, ReadOnlyAdmin, ReadOnlyInline, RoleAdmin
from core.errors import ServiceError

from . import services
from .models import ApprovalDecision, ApprovalPolicy, ApprovalRequest


@admin.register(ApprovalPolicy)
class ApprovalPolicyAdmin(RoleAdmin):
    list_display = ["action", "required_approvals", "approver_roles", "expiry_hours"]

    def save_model(self, request, obj, form, change):
        try:
            policy = services.approval_policy_set(
                actor=request.user,
                action=obj.action,
                required_approvals=obj.required_approvals,
                approver_roles=obj.approver_roles,
                expiry_hours=obj.expiry_hours,
            )
        except ServiceError as exc:
            messages.error(request, exc.detail)
            raise ValidationError(exc.detail) from exc
        obj.pk = policy.pk


class DecisionInline(ReadOnlyInline):
    model = ApprovalDecision
    fields = ["decided_by", "verdict", "comment", "decided_at"]
    readonly_fields = fields


@admin.register(ApprovalRequest)
class ApprovalRequestAdmin(ReadOnlyAdmin):
    list_display = ["id", "action", "status", "requested_by", "created_at", "expires_at", "decided_at"]
    list_filter = ["status", "action"]
    list_select_related = ["requested_by"]
    search_fields = ["reason", "subject_id"]
    inlines = [DecisionInline]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]


@admin.register(ApprovalDecision)
class ApprovalDecisionAdmin(AppendOnlyAdmin):
    list_display = ["request", "decided_by", "verdict", "decided_at", "seq"]
    list_filter = ["verdict"]
    list_select_related = ["request", "decided_by"]
