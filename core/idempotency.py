"""`Idempotency-Key` on POST: a retried request gets the first answer and writes nothing twice.

The key is reserved by inserting its row in the same transaction as the write, so two
concurrent requests with one key serialize on the unique index: the second waits, then
replays the first answer. The same key with a different body is a 422.
"""

import functools
import hashlib
import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from rest_framework.response import Response

from .errors import Unprocessable
from .models import IdempotencyRecord

HEADER = "Idempotency-Key"


def _request_hash(request) -> str:
    body = json.dumps(request.data, sort_keys=True, cls=DjangoJSONEncoder, default=str)
    return hashlib.sha256(f"{request.method} {request.path}\n{body}".encode()).hexdigest()


def _replay(record: IdempotencyRecord, request_hash: str) -> Response:
    if record.request_hash != request_hash:
        raise Unprocessable(
            f"Idempotency-Key {record.key!r} was already used with a different request; use a new key.",
            code="idempotency_key_reused",
        )
    response = Response(json.loads(record.response_body or "null"), status=record.response_status)
    response["Idempotent-Replayed"] = "true"
    return response


def idempotent(handler):
    """Decorate a DRF view handler (post) so that it honours the Idempotency-Key header."""

    @functools.wraps(handler)
    def wrapper(view, request, *args, **kwargs):
        key = request.headers.get(HEADER, "").strip()
        if not key or not request.user.is_authenticated:
            return handler(view, request, *args, **kwargs)
        if len(key) > 255:
            raise Unprocessable(
                "Idempotency-Key is longer than 255 characters.",
                code="idempotency_key_invalid",
            )
        digest = _request_hash(request)
        with transaction.atomic():
            try:
                with transaction.atomic():
                    record = IdempotencyRecord.objects.create(
                        user=request.user,
                        key=key,
                        method=request.method,
                        path=request.path[:500],
                        request_hash=digest,
                    )
            except IntegrityError:
                existing = IdempotencyRecord.objects.get(user=request.user, key=key)
                return _replay(existing, digest)
            response = handler(view, request, *args, **kwargs)
            record.response_status = response.status_code
            record.response_body = json.dumps(response.data, cls=DjangoJSONEncoder)
            record.save(update_fields=["response_status", "response_body"])
            return response

    return wrapper
