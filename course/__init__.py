"""Courses, lessons, exercises by industry, further reading, progress; the content loader."""
