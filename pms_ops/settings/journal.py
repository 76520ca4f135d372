"""Settings of the journal app (from the environment)."""
