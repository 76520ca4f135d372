"""REST of the Merkle log (mounted under /api/v1/ with the audit API): signed checkpoints and
RFC 9162 inclusion and consistency proofs, for Auditor and Ops; publishing on demand is Ops' alone.

Hashes are base64 (as in the checkpoint's root line); a client checks them with `pms_audit.merkle`
against a checkpoint whose signature it verified, never against anything else the server says.
"""

import base64

from django.http import Http404
from django.urls import path
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from core import roles
from core.idempotency import idempotent
from core.serializers import StrictSerializer

from . import filters, selectors, services, tree
from .api import AuditView
from .models import Event

BIGINT = 2**63 - 1  # the largest id or seq a column holds: larger is a 400, never a database error


def b64(digest: bytes) -> str:
    return base64.b64encode(digest).decode("ascii")


class LogParam(StrictSerializer):
    chain = serializers.CharField(max_length=201, help_text="TABLE/CHAIN, e.g. audit_event/book.")

    def validate_chain(self, value: str) -> tuple:
        try:
            return (value, *tree.resolve(value))
        except tree.UnknownLog as exc:
            raise ValidationError(str(exc)) from exc


class LatestParams(LogParam):
    chain = serializers.CharField(max_length=201, required=False, help_text="TABLE/CHAIN; every chain if absent.")


class InclusionParams(LogParam):
    event = serializers.IntegerField(min_value=1, max_value=BIGINT, help_text="The row id (audit_event: the event id).")
    tree_size = serializers.IntegerField(min_value=1, max_value=BIGINT, help_text="The size of a checkpoint you hold.")


class ConsistencyParams(LogParam):
    first = serializers.IntegerField(min_value=1, max_value=BIGINT, help_text="The size of the checkpoint you kept.")
    second = serializers.IntegerField(min_value=1, max_value=BIGINT, help_text="The size of the newer checkpoint.")

    def validate(self, attrs: dict) -> dict:
        if attrs["first"] > attrs["second"]:
            raise ValidationError({"first": ["`first` is larger than `second`: a tree only grows."]})
        return attrs


class CheckpointSerializer(serializers.Serializer):
    chain = serializers.CharField(source="subject_id", help_text="TABLE/CHAIN.")
    tree_size = serializers.IntegerField(source="payload.tree_size")
    root_hash = serializers.SerializerMethodField(help_text="base64, as on the note's third line.")
    published_at = serializers.DateTimeField(source="occurred_at")
    event = serializers.IntegerField(source="id", help_text="The audit.checkpoint.published event.")
    note = serializers.CharField(source="payload.note", help_text="The C2SP signed note: verify this, not the JSON.")

    def get_root_hash(self, obj: Event) -> str:
        return b64(bytes.fromhex(obj.payload["root_hash"]))


class CheckpointListSerializer(serializers.Serializer):
    checkpoints = CheckpointSerializer(many=True)


class PublishedSerializer(serializers.Serializer):
    published = serializers.ListField(child=serializers.DictField(), help_text='{"log", "tree_size"} of each.')


class InclusionSerializer(serializers.Serializer):
    chain = serializers.CharField()
    event = serializers.IntegerField()
    leaf_index = serializers.IntegerField(help_text="seq - 1.")
    tree_size = serializers.IntegerField()
    inclusion_path = serializers.ListField(child=serializers.CharField(), help_text="RFC 9162 §2.1.3, base64.")


class ConsistencySerializer(serializers.Serializer):
    chain = serializers.CharField()
    first = serializers.IntegerField()
    second = serializers.IntegerField()
    consistency_path = serializers.ListField(child=serializers.CharField(), help_text="RFC 9162 §2.1.4, base64.")


def params(serializer_class, request) -> dict:
    """Strict query parameters: unknown ones and bad values are a 400 naming them."""
    serializer = serializer_class(data=request.query_params.dict())
    filters.refuse_unknown(request.query_params, set(serializer.fields))  # one instance: its fields are copied once
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def within(model, chain: str, **sizes: int) -> None:
    stored = tree.size(model._meta.db_table, chain)
    for name, value in sizes.items():
        if value > stored:
            raise ValidationError({name: [f"Beyond the tree: it has {stored} leaves; use a published checkpoint."]})


def proof(model, chain: str, path_of, *args: int, **sizes: int) -> list[bytes]:
    """`path_of(table, chain, *args)`; a size beyond the stored tree is a 400 naming the parameter.

    The tree's size is read only when a node is missing: a proof within the tree costs one query."""
    try:
        return path_of(model._meta.db_table, chain, *args)
    except tree.BeyondTree:
        within(model, chain, **sizes)
        raise


class CheckpointLatest(AuditView):
    @extend_schema(
        summary="The latest signed checkpoint of each chain (or of one)",
        parameters=[LatestParams],
        responses={200: CheckpointListSerializer, 400: OpenApiResponse(description="Bad parameter")},
    )
    def get(self, request):
        wanted = params(LatestParams, request).get("chain")
        logs = [wanted[0]] if wanted else [f"{h['table']}/{h['chain']}" for h in services.chain_heads()]
        found = [event for log in logs if (event := selectors.checkpoint_latest(log))]
        if wanted and not found:
            raise Http404(f"No checkpoint of {wanted[0]} has been published yet.")
        return Response(CheckpointListSerializer({"checkpoints": found}).data)


class CheckpointPublish(AuditView):
    permission_classes = [roles.role_required(roles.OPS)]

    @extend_schema(summary="Publish signed checkpoints now (Ops)", request=None, responses={201: PublishedSerializer})
    @idempotent
    def post(self, request):
        published = services.checkpoints_publish(actor=request.user)
        return Response(PublishedSerializer({"published": published}).data, status=201)


class CheckpointAt(AuditView):
    @extend_schema(
        summary="The signed checkpoint of one chain at a tree size",
        parameters=[LogParam],
        responses={200: CheckpointSerializer, 404: OpenApiResponse(description="No checkpoint at that size")},
    )
    def get(self, request, tree_size: int):
        log = params(LogParam, request)["chain"][0]
        event = selectors.checkpoint_at(log, tree_size)
        if event is None:
            raise Http404(f"No checkpoint of {log} at tree size {tree_size}.")
        return Response(CheckpointSerializer(event).data)


class InclusionProof(AuditView):
    @extend_schema(
        summary="RFC 9162 inclusion proof of one row",
        parameters=[InclusionParams],
        responses={200: InclusionSerializer},
    )
    def get(self, request):
        wanted = params(InclusionParams, request)
        log, model, chain = wanted["chain"]
        size = wanted["tree_size"]
        seq = model.objects.filter(chain=chain, pk=wanted["event"]).values_list("seq", flat=True).first()
        if seq is None or seq > size:  # a tree_size beyond the tree is the first thing to say
            within(model, chain, tree_size=size)
        if seq is None:
            raise Http404(f"No row {wanted['event']} in {log}.")
        if seq > size:
            raise ValidationError({"event": [f"Row {wanted['event']} is leaf {seq - 1}, after a tree of size {size}."]})
        path_ = proof(model, chain, tree.inclusion_proof, seq - 1, size, tree_size=size)
        body = {
            "chain": log,
            "event": wanted["event"],
            "leaf_index": seq - 1,
            "tree_size": size,
            "inclusion_path": [b64(h) for h in path_],
        }
        return Response(InclusionSerializer(body).data)


class ConsistencyProof(AuditView):
    @extend_schema(
        summary="RFC 9162 consistency proof between two tree sizes",
        parameters=[ConsistencyParams],
        responses={200: ConsistencySerializer},
    )
    def get(self, request):
        wanted = params(ConsistencyParams, request)
        log, model, chain = wanted["chain"]
        sizes = {"first": wanted["first"], "second": wanted["second"]}
        if sizes["first"] == sizes["second"]:  # an empty proof needs no node: nothing else checks the size
            within(model, chain, **sizes)
        path_ = proof(model, chain, tree.consistency_proof, *sizes.values(), **sizes)
        body = {
            "chain": log,
            "first": wanted["first"],
            "second": wanted["second"],
            "consistency_path": [b64(h) for h in path_],
        }
        return Response(ConsistencySerializer(body).data)


urlpatterns = [
    path("audit/checkpoints", CheckpointPublish.as_view(), name="audit-checkpoint-publish"),
    path("audit/checkpoints/latest", CheckpointLatest.as_view(), name="audit-checkpoint-latest"),
    path("audit/checkpoints/<int:tree_size>", CheckpointAt.as_view(), name="audit-checkpoint"),
    path("audit/proofs/inclusion", InclusionProof.as_view(), name="audit-proof-inclusion"),
    path("audit/proofs/consistency", ConsistencyProof.as_view(), name="audit-proof-consistency"),
]
