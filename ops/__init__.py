"""Operations: Celery health probes, heartbeats, alerting, metrics, the trading halt."""
