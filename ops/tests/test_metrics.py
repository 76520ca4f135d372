"""GET /metrics: Prometheus text that prometheus_client's own parser reads back."""

import pytest
from prometheus_client.parser import text_string_to_metric_families

from approvals.services import approval_request_create

URL = "/metrics"
TOKEN = "scrape-me-7f3c1a9e"


@pytest.fixture(autouse=True)
def _metrics_token(settings):
    settings.METRICS_TOKEN = TOKEN


def scrape(client, **extra) -> dict:
    response = client.get(URL, HTTP_AUTHORIZATION=f"Bearer {TOKEN}", **extra)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/plain")
    return {f.name: f for f in text_string_to_metric_families(response.content.decode())}


def sample(families, family: str, sample_name: str, **labels) -> float:
    for s in families[family].samples:
        if s.name == sample_name and all(s.labels.get(k) == v for k, v in labels.items()):
            return s.value
    raise AssertionError(f"no sample {sample_name}{labels}")


def test_requests_are_counted_by_view_method_and_status(api, db):
    for _ in range(3):
        api[None].get("/api/v1/health")
    families = scrape(api[None])
    assert sample(families, "http_requests", "http_requests_total", view="api/v1/health", status="200") >= 3
    count = sample(
        families,
        "http_request_duration_seconds",
        "http_request_duration_seconds_count",
        view="api/v1/health",
        status="200",
    )
    assert count >= 3
    assert (
        sample(
            families,
            "http_request_duration_seconds",
            "http_request_duration_seconds_bucket",
            view="api/v1/health",
            status="200",
            le="+Inf",
        )
        == count
    )


def test_server_errors_show_as_errors_total_500(api, db, monkeypatch):
    from ops import health

    before = _errors(api, "500")

    def explode():
        raise RuntimeError("boom")

    monkeypatch.setattr(health, "readiness", explode)
    api[None].raise_request_exception = False
    assert api[None].get("/api/v1/ready").status_code == 500
    api[None].get("/api/v1/nothing-here")
    assert _errors(api, "500") == before + 1
    assert _errors(api, "404") >= 1


def _errors(api, status: str) -> float:
    families = scrape(api[None])
    if "errors" not in families:
        return 0.0
    return next(
        (s.value for s in families["errors"].samples if s.name == "errors_total" and s.labels == {"status": status}),
        0.0,
    )


def test_probe_gauges_follow_the_newest_results(api, record):
    record("disk", "fail", "only 2% free", latency_ms=7.5)
    record("database", "ok", latency_ms=1.25)
    families = scrape(api[None])
    assert sample(families, "ops_probe_status", "ops_probe_status", probe="disk") == 2
    assert sample(families, "ops_probe_status", "ops_probe_status", probe="database") == 0
    assert sample(families, "ops_probe_latency_ms", "ops_probe_latency_ms", probe="disk") == 7.5


def test_pending_approvals_and_trading_gauges(api, people):
    approval_request_create(actor=people["oscar"], action="ops.trading_resume", payload={"halt_seq": 1}, reason="x")
    families = scrape(api[None])
    assert sample(families, "ops_approvals_pending", "ops_approvals_pending") == 1
    assert (
        sample(
            families, "ops_approvals_pending_by_action", "ops_approvals_pending_by_action", action="ops.trading_resume"
        )
        == 1
    )
    assert sample(families, "ops_trading_enabled", "ops_trading_enabled") == 1


def test_heartbeat_age_is_exported(api, heartbeat):
    heartbeat("morning-pack", seen_ago=120)
    families = scrape(api[None])
    assert 119 <= sample(families, "ops_heartbeat_age_seconds", "ops_heartbeat_age_seconds", name="morning-pack") < 200


@pytest.mark.parametrize(
    "authorization",
    [None, "Bearer wrong-token", f"Token {TOKEN}", f"Bearer {TOKEN}x", "Bearer", f"Basic {TOKEN}"],
)
def test_without_the_bearer_token_metrics_are_refused(api, authorization):
    extra = {"HTTP_AUTHORIZATION": authorization} if authorization else {}
    response = api[None].get(URL, REMOTE_ADDR="127.0.0.1", **extra)  # loopback is no credential
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="metrics"'
    body = response.json()
    assert body["error"] == "not_authenticated" and "METRICS_TOKEN" in body["detail"]


@pytest.mark.parametrize("who", ["oscar", "pam"])
def test_a_user_token_is_not_the_metrics_token(api, who):
    assert api[who].get(URL).status_code == 401


def test_the_token_reads_metrics_from_anywhere(api):
    assert scrape(api[None], REMOTE_ADDR="10.1.2.3")


def test_without_a_configured_token_metrics_are_off(api, settings):
    settings.METRICS_TOKEN = ""
    response = api[None].get(URL, HTTP_AUTHORIZATION="Bearer ")
    assert response.status_code == 404
    assert response.json()["error"] == "not_found" and "METRICS_TOKEN" in response.json()["detail"]
