"""Settings of the book app (from the environment)."""
