"""Django REST framework and OpenAPI settings (DESIGN.md "API conventions")."""

REST_FRAMEWORK = {
    # Token first so that an anonymous request gets 401 with a WWW-Authenticate header.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "core.pagination.CursorPage",
    "PAGE_SIZE": 50,
    # JSON only, checked whole at parse time (core/parsers.py); a form-encoded body is a 415.
    "DEFAULT_PARSER_CLASSES": ["core.parsers.StrictJSONParser"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "DEFAULT_FILTER_BACKENDS": ["core.filters.StrictFilterBackend"],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "EXCEPTION_HANDLER": "core.errors.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DATETIME_FORMAT": "iso-8601",
    "COERCE_DECIMAL_TO_STRING": True,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "PMS Ops API",
    "DESCRIPTION": "Operations console of the trading portfolio management system.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema is a map of every endpoint: only for someone signed in (session or token).
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Distinct OpenAPI enum names where two models' choices would otherwise share one.
    "ENUM_NAME_OVERRIDES": {
        "IncidentStatusEnum": "incidents.models.Status",
        "FollowUpStatusEnum": "incidents.models.FollowUpStatus",
        "PositionStatusEnum": "book.models.PositionStatus.choices",
        "DirectionEnum": "book.models.Direction.choices",
        "ApprovalStatusEnum": "approvals.models.Status.choices",
        "ProbeStatusEnum": "ops.models.Status",
        "ReadinessStatusEnum": ["ready", "not_ready"],
        "BreakKindEnum": "recon.models.BreakKind",
        "BreakStatusEnum": "recon.models.BreakStatus",
        "BreakResolutionEnum": "recon.models.Resolution",
        "AlertStatusEnum": ["firing", "resolved"],
    },
    # /metrics' and Alertmanager's own schemes: bearer tokens from METRICS_TOKEN and
    # ALERTMANAGER_TOKEN, not a user's token.
    "APPEND_COMPONENTS": {
        "securitySchemes": {
            "metricsBearer": {"type": "http", "scheme": "bearer"},
            "alertmanagerBearer": {"type": "http", "scheme": "bearer"},
        }
    },
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "core.schema.postprocess"],
}
