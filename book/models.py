"""Models of the book app."""
