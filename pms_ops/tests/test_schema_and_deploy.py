"""The OpenAPI schema validates and the docs are served offline; production settings pass check --deploy."""

import os
import re
import secrets
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command


def test_the_schema_validates_without_warnings(tmp_path):
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    assert "openapi: 3" in out.read_text()


def test_the_schema_and_the_docs_are_served(client, people):
    client.force_login(people["audrey"])
    schema = client.get("/api/schema/?format=json")
    assert schema.status_code == 200
    assert schema.json()["info"]["title"] == "PMS Ops API"
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    page = docs.content.decode()
    assert "swagger-ui" in page
    # Every asset from this server: no script or stylesheet from another host (the page's CSRF token is
    # random text, so a bare "cdn" may occur in it by chance).
    sources = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert sources and all(s.startswith("/") for s in sources), sources


def test_anonymous_callers_get_no_schema_and_no_docs(client):
    schema = client.get("/api/schema/?format=json")
    assert schema.status_code == 401
    assert schema.json()["error"] == "not_authenticated" and "paths" not in schema.json()
    for page in ("/api/docs/", "/api/redoc/"):
        response = client.get(page)
        assert (response.status_code, response["Location"]) == (302, f"/admin/login/?next={page}")


def test_a_token_reads_the_schema(api):
    assert api[None].get("/api/schema/?format=json").status_code == 401
    schema = api["pam"].get("/api/schema/?format=json")
    assert schema.status_code == 200 and "/api/v1/pms/book/positions" in schema.json()["paths"]


def test_liveness_needs_no_login_and_no_database(client):
    # No `db` fixture: any query would raise, so a 200 proves the probe touched no database.
    response = client.get("/api/v1/health")
    assert response.status_code == 200 and response.json() == {"status": "healthy"}


def test_production_settings_pass_check_deploy(tmp_path):
    key = tmp_path / "digest.key"
    call_command("signing_key", generate=str(key))
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DJANGO_SETTINGS_MODULE="pms_ops.settings",
        SECRET_KEY=secrets.token_urlsafe(50),
        DEBUG="false",
        ALLOWED_HOSTS="pms-ops.example.com",
        DIGEST_SIGNING_KEY_FILE=str(key),
    )
    if settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        # Production's two roles (audit.W002 otherwise); check --deploy does not connect.
        env.update(
            DATABASE_URL="postgres://pms_ops_app@127.0.0.1:5432/pms_ops",
            DATABASE_OWNER_URL="postgres://pms_ops_owner@127.0.0.1:5432/pms_ops",
        )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
