"""lti.web."""
