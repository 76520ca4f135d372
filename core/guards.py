"""Refuse requests no view can serve before any view runs: NUL in the query string, an oversized API body.

A `%00` in a query parameter reaches filters and the admin's changelist lookups and then
the database, which refuses it with a 500; an API body over the upload limit would get
Django's HTML page. Both are the client's error, answered here in the right shape: the
JSON error shape under /api/, a plain 400 page elsewhere.
"""

from django.http import HttpResponseBadRequest, JsonResponse

from .errors import error_body
from .parsers import BAD_TEXT, BAD_TEXT_MESSAGE, max_body_bytes, printable


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def _bad_parameters(request) -> list[str]:
    return sorted(
        printable(key)
        for key, values in request.GET.lists()
        if BAD_TEXT.search(key) or any(map(BAD_TEXT.search, values))
    )


def _content_length(request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


class InputGuardMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        bad = _bad_parameters(request)
        if bad:
            detail = f"Query parameter {', '.join(bad)}: {BAD_TEXT_MESSAGE}"
            if not _is_api(request):
                return HttpResponseBadRequest(detail, content_type="text/plain; charset=utf-8")
            body = error_body("invalid", detail, {name: [BAD_TEXT_MESSAGE] for name in bad})
            return JsonResponse(body, status=400)
        limit = max_body_bytes()
        if _is_api(request) and limit is not None and _content_length(request) > limit:
            detail = f"The request body is larger than {limit} bytes."
            return JsonResponse(error_body("too_large", detail), status=413)
        return self.get_response(request)
