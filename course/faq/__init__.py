"""The FAQ of a lesson: entries from the content files and made by tutors, searched and
read, edited, kept in step with the files, and indexed for the forum's search."""
