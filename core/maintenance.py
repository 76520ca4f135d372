"""Maintenance mode: one flag every process sees, and the middleware that honours it.

The flag is a small JSON file (`MAINTENANCE_FLAG_PATH`, default var/maintenance.json), not
a database row and not the local-memory cache: a restore replaces the database, and
the web workers, the Celery worker and `manage.py` are different processes.
While it is on, API writes answer 503 with Retry-After in the one error shape; pages
answer with a maintenance notice (reads still work, so Ops can watch the restore).
"""

import json
import os
from pathlib import Path

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.html import escape

from .errors import error_body

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
# Health and readiness must keep answering: load balancers decide from them. The public status
# page says "maintenance" in its own words (the banner's reason is internal).
ALWAYS_OPEN = ("/health", "/api/v1/health", "/api/v1/ready", "/metrics", "/static/", "/status")
# Signing in and out is not a change to the book: Ops must be able to log in to watch.
WRITES_ALLOWED = ("/admin/login/", "/admin/logout/")


def _path() -> Path:
    return Path(settings.MAINTENANCE_FLAG_PATH)


def maintenance_state() -> dict | None:
    """The flag's content ({"since", "reason", "by"}) or None when maintenance is off."""
    try:
        return json.loads(_path().read_text())
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        # An unreadable flag errs on the safe side: maintenance stays on.
        return {"since": "", "reason": "maintenance flag unreadable", "by": ""}


def maintenance_on(*, reason: str, by: str) -> dict:
    """Write the flag atomically (temp file + rename) so no reader sees half of it."""
    state = {"since": timezone.now().isoformat(), "reason": reason, "by": by}
    path = _path()
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_suffix(".tmp")
    temp.write_text(json.dumps(state))
    os.replace(temp, path)
    return state


def maintenance_off() -> None:
    _path().unlink(missing_ok=True)


def _retry_after() -> str:
    return str(settings.MAINTENANCE_RETRY_AFTER_SECONDS)


def _api_refusal(state: dict) -> JsonResponse:
    detail = f"PMS Ops is in maintenance ({state.get('reason') or 'maintenance'}); retry later."
    response = JsonResponse(error_body("maintenance", detail, since=state.get("since", "")), status=503)
    response["Retry-After"] = _retry_after()
    return response


def _page_refusal(state: dict) -> HttpResponse:
    reason = escape(state.get("reason") or "maintenance")
    body = (
        "<!doctype html><title>PMS Ops — maintenance</title>"
        f"<h1>PMS Ops is in maintenance</h1><p>{reason}</p>"
        "<p>Changes are refused until it ends; reading still works. Try again in a few minutes.</p>"
    )
    response = HttpResponse(body, status=503)
    response["Retry-After"] = _retry_after()
    return response


BANNER = (
    '<div id="pms-maintenance" role="alert" style="background:#b45309;color:#fff;padding:.5em 1em">'
    "Maintenance: {reason}. Changes are refused until it ends.</div>"
)


def _with_banner(response, state: dict):
    """Say it on every page read, too, without each template having to know."""
    if response.streaming or "text/html" not in response.get("Content-Type", ""):
        return response
    content = response.content.decode(response.charset or "utf-8")
    start = content.find("<body")
    end = content.find(">", start) if start >= 0 else -1
    if end < 0:
        return response
    banner = BANNER.format(reason=escape(state.get("reason") or "maintenance"))
    response.content = content[: end + 1] + banner + content[end + 1 :]
    return response


class MaintenanceMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        state = None if request.path.startswith(ALWAYS_OPEN) else maintenance_state()
        if state is None:
            return self.get_response(request)
        is_api = request.path.startswith("/api/")
        if request.method not in SAFE_METHODS and not request.path.startswith(WRITES_ALLOWED):
            return _api_refusal(state) if is_api else _page_refusal(state)
        response = self.get_response(request)
        return response if is_api else _with_banner(response, state)
