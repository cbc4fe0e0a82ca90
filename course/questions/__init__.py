"""course.questions."""
