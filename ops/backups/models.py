"""Backup inventory and restore jobs."""
