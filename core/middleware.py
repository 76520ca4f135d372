"""Request context: an id per request (echoed as X-Request-ID) and the client IP."""

import uuid

from . import context


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = request.headers.get("X-Request-ID", "")[:64] or uuid.uuid4().hex
        ip = request.META.get("REMOTE_ADDR") or None
        token = context.current.set(context.RequestContext(request_id=request_id, client_ip=ip))
        try:
            response = self.get_response(request)
        finally:
            context.current.reset(token)
        response["X-Request-ID"] = request_id
        return response
