"""feedback.web."""
