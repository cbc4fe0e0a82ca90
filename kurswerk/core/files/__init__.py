"""kurswerk.core.files."""
