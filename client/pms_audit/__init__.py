"""pms-audit: check PMS Ops audit chains without trusting the server."""
