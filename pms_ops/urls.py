"""Root URLs: the admin, each app's pages at the root, each app's API under /api/v1/."""

from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.urls import include, path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerView,
)

APPS = ("audit", "journal", "approvals", "book", "incidents", "recon", "desk", "ops", "backups")

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("ops.health")),  # /health, /api/v1/health, /api/v1/ready
    # The schema maps every endpoint: a session or a token (SERVE_PERMISSIONS), else 401 JSON.
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The docs pages are for a browser: without a session, to the login page and back.
    path(
        "api/docs/",
        login_required(SpectacularSwaggerView.as_view(url_name="api-schema")),
        name="api-docs",
    ),
    path(
        "api/redoc/",
        login_required(SpectacularRedocView.as_view(url_name="api-schema")),
        name="api-redoc",
    ),
    path("", include("pms_ops.site_urls")),
]
for app in APPS:
    urlpatterns += [
        path("api/v1/", include(f"{app}.api")),
        path("", include(f"{app}.urls")),
    ]

handler404 = "core.errors.handler404"
handler500 = "core.errors.handler500"
