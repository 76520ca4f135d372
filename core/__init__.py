"""Shared plumbing at the bottom of the import graph: roles, errors, request context, API base."""
