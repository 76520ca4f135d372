"""WSGI entry point for gunicorn (`gunicorn pms_ops.wsgi`)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pms_ops.settings")
application = get_wsgi_application()
