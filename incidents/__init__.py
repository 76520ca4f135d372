"""Incidents: severities, roles, timelines, the runbook library, post-mortems, escalation."""
