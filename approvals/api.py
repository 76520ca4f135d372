"""REST API of approvals (mounted under /api/v1/): list, read, approve, reject, cancel."""

from django.urls import path
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from core.idempotency import idempotent
from core.roles import ALL_ROLES, WRITERS, role_required
from core.serializers import StrictSerializer

from . import selectors, services
from .models import ApprovalDecision, ApprovalRequest, Status

ApprovalsAccess = role_required(*WRITERS, read=ALL_ROLES)


class DecisionSerializer(serializers.ModelSerializer):
    decided_by = serializers.CharField(source="decided_by.username")

    class Meta:
        model = ApprovalDecision
        fields = ["decided_by", "verdict", "comment", "decided_at"]


class ApprovalSerializer(serializers.ModelSerializer):
    requested_by = serializers.CharField(source="requested_by.username")
    label = serializers.SerializerMethodField()
    decisions = DecisionSerializer(many=True, read_only=True)

    class Meta:
        model = ApprovalRequest
        fields = [
            "id",
            "action",
            "label",
            "payload",
            "reason",
            "subject_type",
            "subject_id",
            "requested_by",
            "status",
            "required_approvals",
            "approver_roles",
            "created_at",
            "expires_at",
            "decided_at",
            "result",
            "failure_reason",
            "decisions",
        ]

    def get_label(self, obj) -> str:
        return selectors.label(obj.action)


class ApprovalDetailSerializer(ApprovalSerializer):
    preview = serializers.SerializerMethodField()

    class Meta(ApprovalSerializer.Meta):
        fields = [*ApprovalSerializer.Meta.fields, "preview"]

    def get_preview(self, obj) -> dict:
        return selectors.preview(obj)


class CommentIn(StrictSerializer):
    comment = serializers.CharField(required=False, allow_blank=True, max_length=5000)


class ApprovalFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=Status.choices)
    action = filters.CharFilter()
    requested_by = filters.CharFilter(field_name="requested_by__username")

    class Meta:
        model = ApprovalRequest
        fields = ["status", "action", "requested_by"]


class ApprovalList(generics.ListAPIView):
    permission_classes = [ApprovalsAccess]
    serializer_class = ApprovalSerializer
    filterset_class = ApprovalFilter
    queryset = selectors.requests()


class ApprovalDetail(generics.RetrieveAPIView):
    permission_classes = [ApprovalsAccess]
    serializer_class = ApprovalDetailSerializer
    queryset = selectors.requests()


class _Decide(APIView):
    permission_classes = [ApprovalsAccess]

    def _answer(self, pk: int) -> Response:
        return Response(ApprovalDetailSerializer(selectors.requests().get(pk=pk)).data)


class Approve(_Decide):
    @extend_schema(request=CommentIn, responses=ApprovalDetailSerializer)
    @idempotent
    def post(self, request, pk: int):
        services.approval_approve(actor=request.user, request_id=pk, comment=_comment(request))
        return self._answer(pk)


class Reject(_Decide):
    @extend_schema(request=CommentIn, responses=ApprovalDetailSerializer)
    @idempotent
    def post(self, request, pk: int):
        services.approval_reject(actor=request.user, request_id=pk, comment=_comment(request))
        return self._answer(pk)


class Cancel(_Decide):
    @extend_schema(request=None, responses=ApprovalDetailSerializer)
    @idempotent
    def post(self, request, pk: int):
        services.approval_cancel(actor=request.user, request_id=pk)
        return self._answer(pk)


def _comment(request) -> str:
    serializer = CommentIn(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data.get("comment", "")


urlpatterns = [
    path("approvals/", ApprovalList.as_view(), name="approvals-list"),
    path("approvals/<int:pk>", ApprovalDetail.as_view(), name="approvals-detail"),
    path("approvals/<int:pk>/approve", Approve.as_view(), name="approvals-approve"),
    path("approvals/<int:pk>/reject", Reject.as_view(), name="approvals-reject"),
    path("approvals/<int:pk>/cancel", Cancel.as_view(), name="approvals-cancel"),
]
