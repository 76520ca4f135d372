"""Workflow pages of the book: the position book and the correction wizard."""
