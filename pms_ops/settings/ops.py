"""Settings of the ops app (from the environment)."""
