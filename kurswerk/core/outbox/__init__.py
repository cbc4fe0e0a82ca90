"""kurswerk.core.outbox."""
