"""course.forum."""
