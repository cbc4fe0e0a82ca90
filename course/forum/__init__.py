"""The lesson forums: threads and posts, reading and search, posting, moderation, following
and the mails it sends, and periodic jobs; the pages are in ``routes/``."""
