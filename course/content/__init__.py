"""course.content.load."""
