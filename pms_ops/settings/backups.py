"""Settings of the backups app (from the environment)."""
