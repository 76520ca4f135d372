"""REST API of backups: the inventory, starting a backup, requesting a restore (paths kept under ops/)."""

from django.urls import path
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.response import Response

from core.idempotency import idempotent
from core.roles import AUDITOR, OPS, role_required
from core.serializers import StrictSerializer

from . import restores, selectors, services
from .models import Backup, Restore

BACKUP_FIELDS = [
    "id",
    "status",
    "trigger",
    "requested_by",
    "vendor",
    "started_at",
    "finished_at",
    "duration_seconds",
    "directory",
    "file",
    "size",
    "sha256",
    "files",
    "row_counts",
    "chain_heads",
    "migrations",
    "progress",
    "step",
    "error",
    "verification",
    "verified_at",
    "removed_at",
]


class BackupSerializer(serializers.ModelSerializer):
    class Meta:
        model = Backup
        fields = BACKUP_FIELDS


class RestoreSerializer(serializers.ModelSerializer):
    class Meta:
        model = Restore
        fields = [
            "id",
            "backup",
            "status",
            "reason",
            "requested_by",
            "approved_by",
            "approval_request_id",
            "created_at",
            "started_at",
            "finished_at",
            "pre_restore_backup",
            "incident_id",
            "progress",
            "step",
            "steps",
            "error",
        ]


class RestoreRequestSerializer(StrictSerializer):
    backup_id = serializers.IntegerField(min_value=1)
    reason = serializers.CharField(max_length=2000)


class BackupListView(generics.ListAPIView):
    """The backup inventory, newest first; `?status=verified` filters."""

    permission_classes = [role_required(OPS, read=[AUDITOR])]
    serializer_class = BackupSerializer

    filterset_fields = ["status", "trigger"]

    def get_queryset(self):
        return selectors.backups()

    @extend_schema(summary="Start a backup (runs on a worker)", request=None, responses={202: BackupSerializer})
    @idempotent
    def post(self, request):
        backup = services.backup_request(actor=request.user, trigger="api")
        return Response(BackupSerializer(backup).data, status=status.HTTP_202_ACCEPTED)


class BackupDetailView(generics.RetrieveAPIView):
    permission_classes = [role_required(OPS, read=[AUDITOR])]
    serializer_class = BackupSerializer
    queryset = Backup.objects.all()


class RestoreListView(generics.ListAPIView):
    """Restores, newest first; POST requests one (four-eyes approval before it runs)."""

    permission_classes = [role_required(OPS, read=[AUDITOR])]
    serializer_class = RestoreSerializer
    filterset_fields = ["status", "backup"]

    def get_queryset(self):
        return selectors.restores()

    @extend_schema(
        summary="Request a restore (needs a second person's approval)",
        request=RestoreRequestSerializer,
        responses={
            202: inline_serializer(
                "RestoreRequested",
                {
                    "approval_request_id": serializers.IntegerField(),
                    "backup_id": serializers.IntegerField(),
                    "status": serializers.CharField(),
                },
            )
        },
    )
    @idempotent
    def post(self, request):
        body = RestoreRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        approval = restores.restore_request(
            actor=request.user, backup_id=body.validated_data["backup_id"], reason=body.validated_data["reason"]
        )
        data = {"approval_request_id": approval.pk, "backup_id": body.validated_data["backup_id"], "status": "pending"}
        return Response(data, status=status.HTTP_202_ACCEPTED)


class RestoreDetailView(generics.RetrieveAPIView):
    permission_classes = [role_required(OPS, read=[AUDITOR])]
    serializer_class = RestoreSerializer

    def get_queryset(self):
        return selectors.restores()


urlpatterns = [
    path("ops/backups", BackupListView.as_view(), name="backups-list"),
    path("ops/backups/<int:pk>", BackupDetailView.as_view(), name="backups-detail"),
    path("ops/restores", RestoreListView.as_view(), name="restores-list"),
    path("ops/restores/<int:pk>", RestoreDetailView.as_view(), name="restores-detail"),
]
