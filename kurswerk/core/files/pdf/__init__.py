"""kurswerk.core.files.pdf."""
