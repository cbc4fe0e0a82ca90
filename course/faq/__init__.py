"""The FAQ of a lesson: reading and searching it, tutors' edits, promoting a forum answer,
publishing a question to the lecturer, and keeping file entries in step with the content
files (the ownership rule is in ``course.faq.models``). Nothing here commits.

Split by use case, each in a module of its own:

* ``course.faq.reading``  a lesson's FAQ and its search, one entry, suggestions while typing
* ``course.faq.editing``  tutors' edits, restoring the file version, promoting a forum post
* ``course.faq.index``    the entries in the search index
* ``course.faq.sync``     the content files' FAQ entries on each load
"""
