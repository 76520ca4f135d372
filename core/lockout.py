"""What a locked-out login sees (django-axes' AXES_LOCKOUT_CALLABLE): a page for a browser, the
JSON error shape for an API path, both 429 with Retry-After."""

from django.conf import settings
from django.contrib import admin
from django.http import HttpResponse, JsonResponse
from django.template.response import TemplateResponse

from .errors import _wants_json, error_body

STATUS = 429


def lockout_response(request, original_response=None, credentials=None) -> HttpResponse:
    minutes = max(1, int(settings.AXES_COOLOFF_TIME.total_seconds() // 60))
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    if _wants_json(request):
        detail = f"Too many failed sign-in attempts; try again in {minutes} minutes."
        response = JsonResponse(error_body("locked_out", detail), status=STATUS)
    else:
        context = {
            **admin.site.each_context(request),
            "is_nav_sidebar_enabled": False,  # as on the login page: nobody is signed in
            "username": username,
            "cooloff_minutes": minutes,
        }
        response = TemplateResponse(request, "registration/locked_out.html", context, status=STATUS).render()
    response["Retry-After"] = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    return response
