"""Is this file one plain PDF? The check (``check``), the walk for active content, and the
stream and deflate readers it uses."""
