"""The append-only primitive, hash chains, and the audit event log. Depends on Django only."""
