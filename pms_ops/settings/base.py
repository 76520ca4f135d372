"""Django core settings: apps, database, cache, templates, static files."""

import secrets

from .env import BASE_DIR, VAR_DIR, env

(VAR_DIR / "static").mkdir(parents=True, exist_ok=True)

DEBUG = env.bool("DEBUG", default=False)


def _secret_key() -> str:
    """Production sets SECRET_KEY; otherwise a random key is kept under var/ (never in the repo)."""
    key = env("SECRET_KEY", default="")
    if key:
        return key
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "core",
    "audit",
    "journal",
    "approvals",
    "book",
    "incidents",
    "recon",
    "desk",
    "ops",
    "backups",
    "pms_ops",
    "axes",  # login throttling (settings/security.py)
]

MIDDLEWARE = [
    "ops.metrics.MetricsMiddleware",  # first, so that its latency histogram covers the whole request
    "django.middleware.security.SecurityMiddleware",
    "core.guards.InputGuardMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "core.middleware.RequestContextMiddleware",
    "core.middleware.UserTimezoneMiddleware",
    "axes.middleware.AxesMiddleware",  # login throttling (settings/security.py)
    "core.maintenance.MaintenanceMiddleware",  # 503 while a restore runs (settings/backups.py)
]

ROOT_URLCONF = "pms_ops.urls"
WSGI_APPLICATION = "pms_ops.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "pms_ops.context_processors.navigation",
            ],
        },
    },
]

DATABASE_URL = env("DATABASE_URL", default="") or f"sqlite:///{VAR_DIR / 'pms_ops.sqlite3'}"
DATABASES = {"default": env.db_url_config(DATABASE_URL)}
# The role that owns the tables (migrate, backup, restore: core/dbroles.py); the web, workers and
# beat connect with DATABASE_URL as a runtime role that owns nothing. Only its credentials, host
# and port are used: the database is DATABASE_URL's.
DATABASE_OWNER_URL = env("DATABASE_OWNER_URL", default="") or DATABASE_URL
DATABASE_OWNER = {
    key: value
    for key, value in env.db_url_config(DATABASE_OWNER_URL).items()
    if key in ("USER", "PASSWORD", "HOST", "PORT")
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE transactions take the write lock up front: chain appends serialize cleanly.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    test_name = env("TEST_DATABASE_NAME", default="")
    if test_name:
        DATABASES["default"]["TEST"] = {"NAME": test_name}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {
                # Redis is a cache: when it is down the app keeps serving, uncached.
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": 0.5,
                "SOCKET_TIMEOUT": 0.5,
            },
        }
    }
    DJANGO_REDIS_IGNORE_EXCEPTIONS = True
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "admin:login"

LANGUAGE_CODE = "en-gb"
# Moments as the `when` tag shows them (with the zone abbreviation), in the admin too.
FORMAT_MODULE_PATH = "pms_ops.formats"
TIME_ZONE = env("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
WHITENOISE_USE_FINDERS = env.bool("WHITENOISE_USE_FINDERS", default=DEBUG)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# Outgoing mail, django-environ's form: `smtp://user:pass@host:587` (`smtp+tls://`, `smtp+ssl://`),
# e.g. `smtp://127.0.0.1:2525`. The embedded default prints mail on the console.
EMAIL_URL = env("EMAIL_URL", default="consolemail://")
_email = env.email_url_config(EMAIL_URL)
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email.get("EMAIL_HOST") or "localhost"
EMAIL_PORT = _email.get("EMAIL_PORT") or 25
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER") or ""
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD") or ""
EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="pms-ops@localhost")

# Where chat notifications go (approvals waiting, escalations); empty disables them.
NOTIFY_WEBHOOK_URL = env("NOTIFY_WEBHOOK_URL", default="")
# Where published chain heads are also POSTed (audit digest); empty disables it.
DIGEST_WEBHOOK_URL = env("DIGEST_WEBHOOK_URL", default="")
BACKUP_DIR = env.path("BACKUP_DIR", default=VAR_DIR / "backups")
# `make run` prints the demo logins from here on every start (embedded default only).
DEMO_PASSWORDS_FILE = VAR_DIR / "demo_passwords"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
}
