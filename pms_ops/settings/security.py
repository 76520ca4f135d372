"""Transport and cookie security (strict unless DEBUG), trusted proxies, the metrics token, login throttling."""

import ipaddress
from datetime import timedelta

from django.core.exceptions import ImproperlyConfigured

from .base import DEBUG
from .env import env

SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REDIRECT_EXEMPT = [
    r"^health$",
    r"^api/v1/health$",
    r"^api/v1/ready$",
    r"^metrics$",
]
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# --- Who is asking (core/net.py) ---------------------------------------------------------------
# Addresses or CIDRs of our own reverse proxies. Only a request whose direct peer is one of them
# has its X-Forwarded-For read for the client address (audit rows, login throttling); empty: never.
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])
for _proxy in TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError as _error:
        raise ImproperlyConfigured(f"TRUSTED_PROXIES: {_proxy!r} is not an IP address or CIDR.") from _error

# --- /metrics: `Authorization: Bearer <METRICS_TOKEN>`; unset, /metrics answers 404 ---------------
METRICS_TOKEN = env("METRICS_TOKEN", default="")

# --- POST /api/v1/integrations/alertmanager: `Authorization: Bearer <ALERTMANAGER_TOKEN>`; unset, 404 ---
ALERTMANAGER_TOKEN = env("ALERTMANAGER_TOKEN", default="")

# --- Login throttling (django-axes) on every password login (app and middleware: base.py) ---------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: a locked-out login is refused before the password is checked
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
# One person's failures from one address: a guesser is stopped, colleagues elsewhere are not locked out.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "core.net.client_ip"
AXES_LOCKOUT_CALLABLE = "core.lockout.lockout_response"
