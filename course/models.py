"""Tables of the course domain (filled in by the course content work)."""
