"""The write path of ops: keyword-only services, each one atomic and audited, and its approvable action."""

from .alertmanager import alertmanager_notify
from .config import alert_rule_save, heartbeat_save
from .heartbeats import heartbeat_ping
from .outbox import outbox_message_resend
from .probes import probe_result_record, probe_results_prune
from .reports import health_report_create
from .trading import TradingResume, trading_halt, trading_resume_request

__all__ = [
    "TradingResume",
    "alert_rule_save",
    "alertmanager_notify",
    "health_report_create",
    "heartbeat_ping",
    "heartbeat_save",
    "outbox_message_resend",
    "probe_result_record",
    "probe_results_prune",
    "trading_halt",
    "trading_resume_request",
]
