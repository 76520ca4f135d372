"""Prometheus metrics: request counts and latency by view and status, errors by status (seed 001
Runbook 6's `errors_total{status="500"}`), and scrape-time gauges of probes, backups, incidents,
approvals, heartbeats and the trading switch.

Request metrics live in this process; under gunicorn with several workers set
PROMETHEUS_MULTIPROC_DIR and they are aggregated across workers by prometheus_client.
"""

import logging
import os
import time
from collections import Counter as Tally

from django.utils import timezone
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest, multiprocess
from prometheus_client.core import GaugeMetricFamily

from approvals.models import ApprovalRequest
from backups.selectors import newest_verified_backup
from incidents.models import Incident

from . import request_stats
from .models import Heartbeat, ProbeState
from .selectors import trading_enabled

log = logging.getLogger(__name__)

REGISTRY = CollectorRegistry(auto_describe=True)
REQUESTS = Counter(
    "http_requests", "HTTP requests by view, method and status.", ["view", "method", "status"], registry=REGISTRY
)
LATENCY = Histogram(
    "http_request_duration_seconds",
    "Request latency by view and status.",
    ["view", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
    registry=REGISTRY,
)
ERRORS = Counter("errors", "Responses with a 4xx or 5xx status, by status.", ["status"], registry=REGISTRY)
STATUS_VALUE = {"ok": 0, "warn": 1, "fail": 2}


def view_label(request) -> str:
    """The matched route pattern (bounded cardinality), not the concrete path."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "<unmatched>"
    return match.route or match.view_name or "<unnamed>"


class MetricsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        status = str(response.status_code)
        view = view_label(request)
        seconds = time.perf_counter() - started
        REQUESTS.labels(view, request.method, status).inc()
        LATENCY.labels(view, status).observe(seconds)
        request_stats.observe(seconds, response.status_code)
        if response.status_code >= 400:
            ERRORS.labels(status).inc()
        return response


def _probe_families():
    status = GaugeMetricFamily("ops_probe_status", "Probe status: 0 ok, 1 warn, 2 fail.", labels=["probe"])
    latency = GaugeMetricFamily("ops_probe_latency_ms", "Latency of the newest probe run.", labels=["probe"])
    last_run = GaugeMetricFamily("ops_probe_last_run_timestamp_seconds", "When the probe last ran.", labels=["probe"])
    for state in ProbeState.objects.order_by("probe"):
        status.add_metric([state.probe], STATUS_VALUE.get(state.status, 2))
        latency.add_metric([state.probe], state.latency_ms)
        last_run.add_metric([state.probe], state.last_run_at.timestamp())
    return [status, latency, last_run]


def _backup_families():
    backup = newest_verified_backup()
    age = (timezone.now() - backup.finished_at).total_seconds() if backup else float("inf")
    return [GaugeMetricFamily("ops_backup_age_seconds", "Age of the newest verified backup.", value=age)]


def _incident_families():
    family = GaugeMetricFamily("ops_incidents_open", "Open incidents by severity.", labels=["severity"])
    counts = dict.fromkeys(("P1", "P2", "P3", "P4"), 0)
    for severity in Incident.objects.open().values_list("severity", flat=True):
        counts[severity] = counts.get(severity, 0) + 1
    for severity, count in counts.items():
        family.add_metric([severity], count)
    return [family]


def _approval_families():
    counts = Tally(ApprovalRequest.objects.pending().values_list("action", flat=True))
    total = GaugeMetricFamily("ops_approvals_pending", "Approval requests waiting.", value=sum(counts.values()))
    by_action = GaugeMetricFamily(
        "ops_approvals_pending_by_action", "Approval requests waiting, by action.", labels=["action"]
    )
    for action, count in sorted(counts.items()):
        by_action.add_metric([action], count)
    return [total, by_action]


def _trading_and_heartbeat_families():
    trading = GaugeMetricFamily("ops_trading_enabled", "1 while trading is enabled, 0 while halted.")
    trading.add_metric([], 1 if trading_enabled()["trading_enabled"] else 0)
    age = GaugeMetricFamily("ops_heartbeat_age_seconds", "Seconds since each heartbeat's last ping.", labels=["name"])
    now = timezone.now()
    for beat in Heartbeat.objects.enabled().order_by("name"):
        seen = beat.last_seen_at or beat.created_at
        age.add_metric([beat.name], (now - seen).total_seconds())
    return [trading, age]


class OpsCollector:
    """Gauges read at scrape time; a source that fails is logged and left out, never a failed scrape."""

    SOURCES = (
        _probe_families,
        _backup_families,
        _incident_families,
        _approval_families,
        _trading_and_heartbeat_families,
    )

    def collect(self):
        for source in self.SOURCES:
            try:
                yield from source()
            except Exception:
                log.exception("metrics source %s failed", source.__name__)


def exposition() -> bytes:
    """The text exposition format of request metrics (all workers when multiprocess) plus ops gauges."""
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(registry)
        output = generate_latest(registry)
    else:
        output = generate_latest(REGISTRY)
    gauges = CollectorRegistry()
    gauges.register(OpsCollector())
    return output + generate_latest(gauges)
