"""Backups, verified restores and restore drills."""
