"""Settings of the incidents app (from the environment)."""
