"""Four-eyes approvals: requests, decisions, policies, and the registry of approvable actions."""
