"""course.forum.web."""
