"""Date formats of the admin and Django's own rendering (FORMAT_MODULE_PATH)."""
