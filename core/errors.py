"""One error shape for every 4xx: {"error": CODE, "detail": TEXT, "fields": {...}}.

Services raise `ServiceError` subclasses (no HTTP knowledge needed); the DRF exception
handler and the JSON 404/500 views turn them, and DRF's own errors, into that shape.
"""

import logging
import sys

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpResponse, JsonResponse
from django.template import loader
from django.views.defaults import page_not_found, server_error
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

logger = logging.getLogger(__name__)
# What a client is told to wait before retrying when the database is not answering.
DATABASE_RETRY_AFTER = 30


class ServiceError(Exception):
    """A refused write: the message says what is wrong and how to fix it."""

    status_code = status.HTTP_400_BAD_REQUEST
    code = "invalid"

    def __init__(
        self,
        detail: str,
        *,
        fields: dict | None = None,
        code: str | None = None,
        extra: dict | None = None,
    ):
        super().__init__(detail)
        self.detail = detail
        self.fields = fields or {}
        self.extra = extra or {}
        if code:
            self.code = code


class Invalid(ServiceError):
    pass


class Forbidden(ServiceError):
    status_code = status.HTTP_403_FORBIDDEN
    code = "permission_denied"


class NotFound(ServiceError):
    status_code = status.HTTP_404_NOT_FOUND
    code = "not_found"


class Conflict(ServiceError):
    status_code = status.HTTP_409_CONFLICT
    code = "conflict"


class Unprocessable(ServiceError):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    code = "unprocessable"


class Unavailable(ServiceError):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    code = "unavailable"


def error_body(code: str, detail: str, fields: dict | None = None, **extra) -> dict:
    return {"error": code, "detail": detail, "fields": fields or {}, **extra}


_DRF_CODES = {
    exceptions.ParseError: "malformed_request",
    exceptions.NotAuthenticated: "not_authenticated",
    exceptions.AuthenticationFailed: "authentication_failed",
    exceptions.PermissionDenied: "permission_denied",
    exceptions.NotFound: "not_found",
    exceptions.MethodNotAllowed: "method_not_allowed",
    exceptions.NotAcceptable: "not_acceptable",
    exceptions.UnsupportedMediaType: "unsupported_media_type",
    exceptions.Throttled: "throttled",
}


def _flatten(detail) -> dict:
    """DRF's nested ErrorDetail lists as plain strings, keyed by field."""
    if isinstance(detail, dict):
        return {key: _flatten_value(value) for key, value in detail.items()}
    return {"non_field_errors": _flatten_value(detail)}


def _flatten_value(value):
    if isinstance(value, dict):
        return {key: _flatten_value(item) for key, item in value.items()}
    if isinstance(value, list):
        if all(not isinstance(item, (dict, list)) for item in value):
            return [str(item) for item in value]
        return [_flatten_value(item) for item in value]
    return [str(value)]


def _validation_summary(fields: dict) -> str:
    parts = []
    for name, messages in fields.items():
        text = messages[0] if isinstance(messages, list) and messages and isinstance(messages[0], str) else "invalid"
        parts.append(text if name == "non_field_errors" else f"{name}: {text}")
    return "; ".join(parts) or "Invalid input."


def _database_unavailable(exc: Exception) -> Unavailable:
    """A refused or lost database connection is an outage, not a bug: 503 + Retry-After, so clients retry."""
    logger.warning("database unavailable: %s", exc)
    return Unavailable("The database is not answering; retry in a moment.", code="database_unavailable")


def exception_handler(exc, context):
    """DRF hook: every error leaves in the one shape, never as a 500 for bad input."""
    if isinstance(exc, (OperationalError, InterfaceError)):
        exc = _database_unavailable(exc)
    if isinstance(exc, ServiceError):
        body = error_body(exc.code, exc.detail, exc.fields, **exc.extra)
        response = Response(body, status=exc.status_code)
        if exc.status_code == 503:
            response["Retry-After"] = str(exc.extra.get("retry_after", DATABASE_RETRY_AFTER))
        return response
    if isinstance(exc, DjangoValidationError):
        fields = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        return Response(error_body("invalid", _validation_summary(fields), fields), status=400)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        fields = _flatten(exc.detail)
        response.data = error_body(getattr(exc, "pms_code", "invalid"), _validation_summary(fields), fields)
        return response
    code = next((c for cls, c in _DRF_CODES.items() if isinstance(exc, cls)), "error")
    response.data = error_body(code, str(exc.detail), getattr(exc, "fields", None))
    return response


def _wants_json(request) -> bool:
    return request.path.startswith(("/api/", "/health", "/metrics"))


def handler404(request, exception=None):
    """JSON for API paths, Django's page for the browser."""
    if _wants_json(request):
        return JsonResponse(error_body("not_found", "No such resource."), status=404)
    return page_not_found(request, exception)


def handler500(request):
    """The last resort; a lost database connection (on a page, or before any view ran) is a 503, not a bug."""
    if isinstance(sys.exc_info()[1], (OperationalError, InterfaceError)):
        return _database_unavailable_response(request, sys.exc_info()[1])
    if _wants_json(request):
        return JsonResponse(
            error_body("server_error", "Internal error; it has been logged."),
            status=500,
        )
    return server_error(request)


def _database_unavailable_response(request, exc: Exception) -> HttpResponse:
    """503 + Retry-After: the one JSON shape for API paths, the styled 503 page for the browser."""
    error = _database_unavailable(exc)
    if _wants_json(request):
        response = JsonResponse(error_body(error.code, error.detail), status=503)
    else:
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
    response["Retry-After"] = str(DATABASE_RETRY_AFTER)
    return response
