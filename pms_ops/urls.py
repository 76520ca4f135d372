"""Root URLs: the admin, each app's pages at the root, each app's API under /api/v1/."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerView,
)

from core.api import HealthView

APPS = ("audit", "journal", "approvals", "book", "incidents", "ops", "backups")

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/health", HealthView.as_view(), name="api-health"),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path(
        "api/docs/",
        SpectacularSwaggerView.as_view(url_name="api-schema"),
        name="api-docs",
    ),
    path(
        "api/redoc/",
        SpectacularRedocView.as_view(url_name="api-schema"),
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
