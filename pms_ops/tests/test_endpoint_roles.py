"""Every API endpoint declares who may call it, and means it: walked with every role.

Anonymous → 401, a role the endpoint does not name → 403, a role it names → neither
(and never a 500, even for a malformed body or an unknown id). An endpoint open to
anonymous callers must be listed in PUBLIC on purpose.
"""

import pytest
from django.urls import Resolver404, resolve
from drf_spectacular.generators import EndpointEnumerator
from rest_framework.permissions import AllowAny

from core import roles

# Open to anyone, by design (health probes, heartbeat-free liveness), or guarded by a shared secret
# of their own instead of a user's role (Alertmanager's bearer ALERTMANAGER_TOKEN).
PUBLIC = {"/api/v1/health", "/api/v1/ready", "/api/v1/integrations/alertmanager"}
PERSON_FOR_ROLE = {
    roles.PM: "pam",
    roles.APPROVER: "alice",
    roles.INCIDENT_COMMANDER: "ivy",
    roles.OPS: "oscar",
    roles.AUDITOR: "audrey",
    roles.PRICE_FEED: "feed",  # a service account: prices and instruments, nothing else
}
PLACEHOLDERS = ("999999", "00000000-0000-0000-0000-000000000000", "no-such-name")
SAFE = {"GET", "HEAD", "OPTIONS"}


def _concrete(path: str) -> str:
    """The path with each {param} replaced by the first unknown value its converter accepts."""
    if "{" not in path:
        return path
    for value in PLACEHOLDERS:
        candidate = path
        while "{" in candidate:
            start, end = candidate.index("{"), candidate.index("}")
            candidate = candidate[:start] + value + candidate[end + 1 :]
        try:
            resolve(candidate)
        except Resolver404:
            continue
        return candidate
    raise AssertionError(f"no placeholder resolves for {path}")


def _permissions(callback, method: str) -> list:
    view = callback.cls(**getattr(callback, "initkwargs", {}))
    view.action = (getattr(callback, "actions", None) or {}).get(method.lower())
    view.request = None
    view.format_kwarg = None
    return view.get_permissions()


def _endpoints() -> list[tuple[str, str, object]]:
    endpoints = EndpointEnumerator().get_api_endpoints()
    return [(path, method, callback) for path, _, method, callback in endpoints if path.startswith("/api/v1/")]


def _allowed_roles(permissions: list, method: str) -> set[str] | None:
    """The roles a role_required permission names for this method; None if none declares roles."""
    for permission in permissions:
        if hasattr(permission, "read_roles"):
            return set(permission.read_roles if method in SAFE else permission.roles)
    return None


def _call(client, method: str, path: str):
    if method in SAFE:
        return getattr(client, method.lower())(path)
    return getattr(client, method.lower())(path, data="{not json", content_type="application/json")


def test_the_walk_sees_the_api():
    paths = {path for path, _, _ in _endpoints()}
    assert {
        "/api/v1/health",
        "/api/v1/audit/events",
        "/api/v1/pms/journal",
        "/api/v1/pms/book/positions/open",
        "/api/v1/approvals/{pk}/approve",
        "/api/v1/incidents/{pk}/timeline",
        "/api/v1/ops/heartbeats/{name}",
        "/api/v1/ops/restores",
    } <= paths


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "method", "callback"), _endpoints(), ids=lambda v: v if isinstance(v, str) else "")
def test_every_endpoint_answers_each_role_as_it_declares(api, people, path, method, callback):
    permissions = _permissions(callback, method)
    url = _concrete(path)
    if any(isinstance(p, AllowAny) for p in permissions):
        assert path in PUBLIC, f"{method} {path} is open to anonymous callers but not listed in PUBLIC"
        status = _call(api[None], method, url).status_code
        # readiness is 200 here: database, cache and broker answer (no worker is needed for it)
        assert status < 500
        return
    allowed = _allowed_roles(permissions, method)
    assert allowed is not None, f"{method} {path} declares no roles (use core.roles.role_required)"
    anonymous = _call(api[None], method, url)
    assert anonymous.status_code == 401, f"anonymous {method} {path}: {anonymous.status_code}"
    for role, person in PERSON_FOR_ROLE.items():
        response = _call(api[person], method, url)
        assert response.status_code < 500, f"{role} {method} {path}: {response.status_code}"
        if role in allowed:
            assert response.status_code not in (401, 403), f"{role} {method} {path}: {response.status_code}"
        else:
            assert response.status_code == 403, f"{role} {method} {path}: {response.status_code}"
            assert response.json()["error"] == "permission_denied"
    assert _call(api["nobody"], method, url).status_code == 403
