"""course.faq."""
