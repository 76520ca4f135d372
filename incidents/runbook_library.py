"""The runbook library as first loaded (migration 0002): every scenario of seeds 000, 001, 003, 004.

Each procedure keeps the seed's recognition, diagnostics, recovery, verification and
"escalate if", restated for PMS Ops where the seed names infrastructure we replaced
(docker, AWS, SSM parameters). Later edits happen in the admin as new versions; this
module is only the first version and must not change once migrated.
"""

RUNBOOKS: list[dict] = [
    # --- seed 000: crash recovery failures and emergency procedures ----------------------
    {
        "slug": "db-unavailable",
        "title": "Recovery failed: DB_UNAVAILABLE",
        "source": "seed 000 DB_UNAVAILABLE",
        "recognition": "ERROR: Recovery failed: DB_UNAVAILABLE — unable to connect to PostgreSQL. "
        "The database probe on the ops dashboard is red.",
        "diagnostic_steps": [
            "Check database status: pg_isready -h <host> -p 5432",
            "Verify the DATABASE_URL credentials",
            "Check network connectivity to the database host",
            "Review the PostgreSQL logs (/var/log/postgresql/)",
        ],
        "recovery_actions": [
            "Restart PostgreSQL",
            "Verify the connection (GET /api/v1/ready shows database ok)",
            "Restart the PMS Ops web and worker processes",
        ],
        "verification": [
            "GET /health returns 200 with status healthy",
            "Position book loads with the expected open positions",
        ],
        "escalate_if": "The database does not start after 3 restart attempts. Response time: 5 minutes.",
    },
    {
        "slug": "validation-failed",
        "title": "Recovery validation failed: risk mismatch",
        "source": "seed 000 VALIDATION_FAILED",
        "recognition": "ERROR: Recovery validation failed — Risk mismatch: DB=125000.0, Calculated=125420.0. "
        "The risk validation probe reports stored and recomputed total risk differ.",
        "diagnostic_steps": [
            "List the open positions in the position book",
            "Verify configuration consistency (margin per lot in instruments vs configuration)",
            "Check for partial writes (rolled-back transactions) in the audit trail",
            "Review recent changes to the risk calculation",
        ],
        "recovery_actions": [
            "Option A, configuration mismatch: correct the instrument margin settings",
            "Option B, corrupt state: take a verified backup first",
            "Option B: close affected positions with compensating corrections (four-eyes), never by UPDATE",
            "Re-run risk validation",
        ],
        "verification": [
            "Stored total risk equals the recomputed total risk",
            "Corrections are recorded in the decision journal",
        ],
        "escalate_if": "Validation fails after the configuration fix AND there are no positions in the database. "
        "Response time: 15 minutes.",
    },
    {
        "slug": "data-corrupt",
        "title": "Recovery failed: DATA_CORRUPT",
        "source": "seed 000 DATA_CORRUPT",
        "recognition": "ERROR: Recovery failed: DATA_CORRUPT — invalid position data, e.g. missing entry_price "
        "for BANK_NIFTY_Long_1.",
        "diagnostic_steps": [
            "Check data integrity: positions with missing entry price, or size null or <= 0",
            "Review application logs for failed writes",
            "Check the PostgreSQL transaction logs",
        ],
        "recovery_actions": [
            "Identify the corrupt positions (ops dashboard, data-corrupt probe)",
            "Recover the true values from application logs or broker statements",
            "Enter a compensating correction per position (four-eyes); never delete rows",
        ],
        "verification": [
            "The data-corrupt probe reports no corrupt positions",
            "Each correction has a decision journal entry",
        ],
        "escalate_if": "Production positions are corrupt and cannot be recovered from logs. Response time: 30 minutes.",
    },
    {
        "slug": "force-clean-state",
        "title": "Force clean state (danger: production data loss)",
        "source": "seed 000 Emergency Procedures: Force Clean State",
        "recognition": "Validation fails repeatedly; no open positions or all positions closed manually via the "
        "broker; database state is irrecoverably corrupt.",
        "diagnostic_steps": [
            "Confirm with the broker that no positions are open",
            "Confirm validation has failed repeatedly after the documented fixes",
        ],
        "recovery_actions": [
            "Backup first: take and verify a backup",
            "Close every remaining position with compensating entries (approved restore or corrections)",
            "Verify the book shows zero open positions",
        ],
        "verification": [
            "Verify no broker positions open",
            "Restart PMS Ops",
            "Monitor the first 3 signals closely",
        ],
        "escalate_if": "Always escalate to level 2 before running this procedure.",
    },
    # --- seed 001: troubleshooting runbooks 6-12 ---------------------------------------
    {
        "slug": "high-error-rate",
        "title": "High error rate (> 1%)",
        "source": "seed 001 Runbook 6",
        "recognition": "errors_total rising in /metrics; error rate above 1%. Severity: critical.",
        "diagnostic_steps": [
            "Identify the error type: errors_total by status in /metrics",
            "Check application logs for database, authentication, Redis and timeout errors",
        ],
        "recovery_actions": [
            "500 errors: check database connectivity; restart the database if it fails",
            "401 errors: check the authentication configuration",
            "503 errors: check resource use; restart, then scale up if still high",
        ],
        "verification": ["Error count stops increasing in /metrics"],
        "escalate_if": "Errors keep increasing 10 minutes after the fix.",
    },
    {
        "slug": "slow-database",
        "title": "Slow database (queries > 1 second)",
        "source": "seed 001 Runbook 7",
        "recognition": "Queries taking more than 1 second; P95 latency above target. Severity: warning.",
        "diagnostic_steps": [
            "Find slow queries in pg_stat_statements (mean_time > 1000 ms)",
            "EXPLAIN ANALYZE the slow query; look for sequential scans",
        ],
        "recovery_actions": [
            "Missing index: create it (as a migration)",
            "Index unused: ANALYZE the table and re-run EXPLAIN",
        ],
        "verification": ["The query uses the index and runs in under 100 ms"],
        "escalate_if": "The query stays slow after indexing and ANALYZE.",
    },
    {
        "slug": "emergency-restart",
        "title": "Emergency restart",
        "source": "seed 001 Runbook 8",
        "recognition": "Unresponsive service, memory leak, stuck process. Severity: critical.",
        "diagnostic_steps": ["Confirm the service is unresponsive (GET /health times out)"],
        "recovery_actions": ["Stop the service", "Wait 60 seconds", "Start the service"],
        "verification": ["Process list shows the service up", "GET /api/v1/health returns 200"],
        "escalate_if": "Still not working: go to full-system-recovery.",
    },
    {
        "slug": "cache-troubleshooting",
        "title": "Cache troubleshooting",
        "source": "seed 001 Runbook 9",
        "recognition": "Cache hit rate below 60% or Redis errors in the logs.",
        "diagnostic_steps": [
            "Check Redis status: redis-cli ping (expect PONG), redis-cli INFO",
            "Check cache keys: redis-cli DBSIZE",
        ],
        "recovery_actions": ["Clear the cache (FLUSHDB)", "Warm the cache with a few requests"],
        "verification": ["Hit rate increasing (redis-cli INFO stats)"],
        "escalate_if": "Redis keeps erroring after a restart.",
    },
    {
        "slug": "database-troubleshooting",
        "title": "Database troubleshooting",
        "source": "seed 001 Runbook 10",
        "recognition": "Database connection errors, slow queries.",
        "diagnostic_steps": [
            "Test the connection: SELECT 1",
            "Check connections in pg_stat_activity (> 20: pool exhausted)",
            "Check disk space (< 10% free: clean up or expand)",
            "Analyze slow queries (see slow-database)",
        ],
        "recovery_actions": ["Restart the database if needed"],
        "verification": ["SELECT 1 succeeds", "GET /api/v1/ready shows database ok"],
        "escalate_if": "The database does not come back after a restart.",
    },
    {
        "slug": "major-incident",
        "title": "Major incident response",
        "source": "seed 001 Runbook 11",
        "recognition": "System down, data loss, security breach. Severity: critical.",
        "diagnostic_steps": [
            "Immediate assessment: what is down (API, database, cache)?",
            "How many users are affected?",
            "What is the impact (no trading, slow trading, data loss)?",
            "When did it start?",
        ],
        "recovery_actions": [
            "Declare the incident; assign incident commander and communications lead",
            "Assemble the team (backend lead, DBA, DevOps)",
            "Triage: run full-system-recovery if applicable; check backups; prepare for rollback",
            "Execute the fix: document every action, have a second person review",
            "Communicate status every 5 minutes to affected teams, every 10 minutes to users",
        ],
        "verification": ["Full test suite passes", "Final status update sent", "Post-mortem scheduled (next day)"],
        "escalate_if": "Not resolved within 15 minutes: contact backup engineer and notify stakeholders.",
    },
    {
        "slug": "full-system-recovery",
        "title": "Full system recovery",
        "source": "seed 001 Runbook 12",
        "recognition": "Complete system failure, cascading errors.",
        "diagnostic_steps": ["Verify a database backup exists and is valid (newest verified backup)"],
        "recovery_actions": [
            "Stop everything",
            "Restore the database from the newest verified backup (approved restore)",
            "Start the cache",
            "Start the API",
        ],
        "verification": [
            "Health endpoints: /api/v1/health and /api/v1/ready",
            "Verify data: row counts of critical tables match the backup",
            "Audit hash chains verify",
        ],
        "escalate_if": "The restore fails or data does not match the backup.",
    },
    # --- seed 003: common issues and the emergency stop --------------------------------
    {
        "slug": "trading-not-processing",
        "title": "Trading service not processing orders",
        "source": "seed 003 Common Issues",
        "recognition": "Orders not being placed; no new trades in the dashboard; connection errors in the logs.",
        "diagnostic_steps": [
            "Check the service status",
            "Check the last 10 minutes of logs",
            "Verify the broker connection and API credentials",
        ],
        "recovery_actions": ["Restart the trading service if necessary"],
        "verification": ["New orders are placed and visible in the position book"],
        "escalate_if": "Broker API does not respond after restart.",
    },
    {
        "slug": "high-cpu-memory",
        "title": "High CPU / memory utilization",
        "source": "seed 003 Common Issues",
        "recognition": "Resource alarms triggered; service performance degradation.",
        "diagnostic_steps": ["Identify the bottleneck from CPU and memory metrics of the last hour"],
        "recovery_actions": [
            "Scale up if needed",
            "Investigate the root cause: memory leaks, recent code changes, query performance",
        ],
        "verification": ["CPU and memory back under their alarm thresholds"],
        "escalate_if": "Utilization stays high after scaling.",
    },
    {
        "slug": "db-connection-failures",
        "title": "Database connection failures",
        "source": "seed 003 Common Issues",
        "recognition": "'Connection refused' errors; timeout errors in the logs.",
        "diagnostic_steps": [
            "Check the database instance status",
            "Verify network access rules",
            "Test connectivity: SELECT 1",
        ],
        "recovery_actions": ["If the database is being modified, wait for completion"],
        "verification": ["SELECT 1 succeeds from the application host"],
        "escalate_if": "The database is unreachable for more than 15 minutes.",
    },
    {
        "slug": "dashboard-not-loading",
        "title": "Dashboard not loading",
        "source": "seed 003 Common Issues",
        "recognition": "502/504 gateway errors; blank page or timeout.",
        "diagnostic_steps": ["Check the proxy's upstream health", "Check the web service"],
        "recovery_actions": ["Restart the web service"],
        "verification": ["The dashboard loads in the browser"],
        "escalate_if": "The page still fails after the restart.",
    },
    {
        "slug": "emergency-stop-trading",
        "title": "Emergency stop trading",
        "source": "seed 003 Emergency Procedures",
        "recognition": "Trading needs to be stopped immediately.",
        "diagnostic_steps": ["Confirm the reason to halt with the incident commander"],
        "recovery_actions": [
            "Halt trading in PMS Ops (one person may do this alone)",
            "If needed, close positions through the position book",
        ],
        "verification": [
            "Trading shows as halted on the ops dashboard; opening a position is refused",
            "Resume only through an approved trading-resume request (four-eyes)",
        ],
        "escalate_if": "Positions cannot be closed or trading cannot be halted.",
    },
    {
        "slug": "post-outage-recovery",
        "title": "System recovery after an outage",
        "source": "seed 003 Emergency Procedures",
        "recognition": "Services are back after an outage; the book may differ from the broker's positions.",
        "diagnostic_steps": [
            "Assess damage: check data integrity (the audit hash chains verify)",
            "Review open positions in the position book (/book/positions/)",
            "Calculate any losses",
        ],
        "recovery_actions": [
            "Restore services; run the health check (/api/v1/health and /api/v1/ready)",
            "Verify broker reconciliation: reconcile a fresh broker statement at /recon/ against the book",
            "Reconcile any discrepancies: resolve every break by a correction or an accepted explanation",
        ],
        "verification": [
            "The fresh reconciliation at /recon/ shows no open break",
            "Resume trading only through an approved trading-resume request (four-eyes)",
        ],
        "escalate_if": "A break can be neither corrected nor explained, or the broker cannot be reached.",
    },
    # --- seed 004: disaster recovery scenarios 1-5 and the general restore -------------
    {
        "slug": "database-unavailable",
        "title": "Database unavailable",
        "source": "seed 004 Scenario 1",
        "recognition": "API returns HTTP 500 on data endpoints; dashboard pages blank or loading forever; "
        "database unhealthy; logs show 'connection refused' or 'could not connect to server'.",
        "diagnostic_steps": [
            "Check the database process status",
            "Check the database logs (last 50 lines)",
            "Check the port is accessible: pg_isready",
            "Check disk space (a common cause of database failure)",
        ],
        "recovery_actions": [
            "Stopped/crashed: restart the database and wait for the health check (30 s)",
            "Data corrupted: stop application services, run the general restore procedure",
            "Disk full: remove old backups beyond retention, prune unused files",
        ],
        "verification": [
            "GET /health returns 200",
            "Position book loads with correct data",
            "MTM runs successfully",
            "Decision journal entries intact",
        ],
        "escalate_if": "The restore fails or data integrity verification fails.",
    },
    {
        "slug": "redis-unavailable",
        "title": "Redis unavailable",
        "source": "seed 004 Scenario 2",
        "recognition": "API responses noticeably slower (no cache hits); redis-cli ping fails; "
        "Redis connection errors in the logs.",
        "diagnostic_steps": ["Check the Redis process", "Check the Redis logs", "Test connectivity: redis-cli ping"],
        "recovery_actions": [
            "Redis is a stateless cache (no data loss): restart Redis",
            "Wait for the health check (10 s); the cache rebuilds on the next requests",
        ],
        "verification": [
            "redis-cli ping returns PONG",
            "GET /health returns 200",
            "API response times return to normal within 5 minutes",
        ],
        "escalate_if": "Redis does not stay up after a restart.",
    },
    {
        "slug": "incorrect-position",
        "title": "Incorrect position recorded",
        "source": "seed 004 Scenario 3",
        "recognition": "Position book shows wrong instrument, size or direction; P&L looks wrong because of "
        "wrong entry data; cross-check with broker records shows a discrepancy.",
        "diagnostic_steps": ["Compare the position with the broker's record"],
        "recovery_actions": [
            "Do NOT delete the incorrect position",
            "Close the incorrect position at its entry price (net zero P&L) via a correction",
            "Add a decision journal entry of type correction linked to the position",
            "Open the correct position",
        ],
        "verification": [
            "Incorrect position status CLOSED, realized P&L 0",
            "Correct position opened with accurate data",
            "Decision journal documents the correction",
            "Total portfolio P&L unaffected by the correction",
        ],
        "escalate_if": "The broker record itself is disputed.",
    },
    {
        "slug": "incorrect-mtm",
        "title": "Incorrect mark-to-market (wrong price)",
        "source": "seed 004 Scenario 4",
        "recognition": "P&L values unreasonable given market moves; MTM prices do not match closing prices; "
        "stale or incorrect price data suspected.",
        "diagnostic_steps": ["Identify the incorrect MTM timestamp and affected positions (unrealized P&L, price)"],
        "recovery_actions": [
            "Re-run MTM with the correct manual price override (four-eyes)",
            "Record the correction in the decision journal (previous price, correct price, source)",
        ],
        "verification": [
            "Position P&L values match manual calculations",
            "Decision journal records the price correction",
            "Risk monitor reflects corrected values",
        ],
        "escalate_if": "No trustworthy price source is available.",
    },
    {
        "slug": "pipeline-failure",
        "title": "Data pipeline failure",
        "source": "seed 004 Scenario 5",
        "recognition": "Morning pack not generated (stale data); pipeline run failed; failure alert received; "
        "data timestamps outdated.",
        "diagnostic_steps": ["Check the pipeline service status", "Check the pipeline logs", "Check the run history"],
        "recovery_actions": [
            "Pipeline service down: restart it",
            "Run failed: re-trigger the full pipeline or the failed step",
            "Pipeline unavailable: run the daily steps manually",
        ],
        "verification": [
            "Pipeline shows a successful run",
            "Morning pack generated with the current date",
            "Data freshness: latest data within 1 business day",
            "Agent signals updated",
        ],
        "escalate_if": "The manual fallback fails too.",
    },
    {
        "slug": "general-restore",
        "title": "General restore procedure",
        "source": "seed 004 General Restore Procedure",
        "recognition": "Any scenario involving data loss or corruption.",
        "diagnostic_steps": ["List available backups; pick the newest verified one"],
        "recovery_actions": [
            "Stop application services (keep database and cache running)",
            "Restore from the backup (approved restore, four-eyes)",
            "Run migrations (the backup may be from an older schema)",
            "Verify data integrity (hash chains, row counts)",
            "Restart all services",
        ],
        "verification": ["GET /health returns 200", "Audit chains verify", "Position book matches the backup"],
        "escalate_if": "Restore or verification fails. Expected recovery time: 10-30 minutes.",
    },
]
