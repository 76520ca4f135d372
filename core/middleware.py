"""Request context (an id per request, echoed as X-Request-ID, and the client IP) and the user's timezone."""

import functools
import zoneinfo
from urllib.parse import unquote

from django.utils import timezone

from . import context, net


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = net.request_id(request)
        ip = net.client_ip(request)
        token = context.current.set(context.RequestContext(request_id=request_id, client_ip=ip))
        try:
            response = self.get_response(request)
        finally:
            context.current.reset(token)
        response["X-Request-ID"] = request_id
        return response


class UserTimezoneMiddleware:
    """Show moments in the browser's own timezone: `static/pms_ops/timezone.js` puts its IANA
    name in the `pms_tz` cookie (raw; older versions URL-encoded it, so it is decoded);
    an unknown, malformed or missing name falls back to TIME_ZONE."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        zone = _zone(request.COOKIES.get("pms_tz", ""))
        if zone:
            timezone.activate(zone)
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


@functools.cache
def _known_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def _zone(raw: str) -> zoneinfo.ZoneInfo | None:
    """Only a name of the IANA database: a directory ("Asia") or a stray file never reaches the loader."""
    name = unquote(raw)
    return zoneinfo.ZoneInfo(name) if name in _known_zones() else None
