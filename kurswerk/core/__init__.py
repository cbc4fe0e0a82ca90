"""kurswerk.core."""
