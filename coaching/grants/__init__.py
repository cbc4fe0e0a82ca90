"""coaching.grants."""
