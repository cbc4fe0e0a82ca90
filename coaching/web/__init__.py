"""coaching.web."""
