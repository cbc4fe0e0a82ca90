"""The FAQ of a lesson: reading and searching it, tutors' edits, promoting a forum answer,
publishing a question to the lecturer, and keeping file entries in step with the content
files (the ownership rule is in ``course.faq.models``). Nothing here commits.

Split by use case, each in a module of its own:

* ``course.faq.reading``  a lesson's FAQ and its search, one entry, suggestions while typing
* ``course.faq.editing``  tutors' edits, restoring the file version, promoting a forum post
* ``course.faq.index``    the entries in the search index
* ``course.faq.sync``     the content files' FAQ entries on each load

This module names them for the FAQ's routes, the forum, the questions to the lecturer
and the content loader.
"""

from __future__ import annotations

from course.faq.editing import (
    MAX_QUESTION,
    Promotion,
    create_entry,
    delete_entry,
    promote_post,
    promotion_of,
    revert_to_file,
    update_entry,
)
from course.faq.index import reindex_all_faq, reindex_entry
from course.faq.reading import (
    SEARCH_LIMIT,
    FaqEntryView,
    FaqPage,
    count_visible,
    entry_lesson,
    faq_page,
    get_entry,
    suggest,
)
from course.faq.sync import sync_from_content

__all__ = [
    "MAX_QUESTION",
    "SEARCH_LIMIT",
    "FaqEntryView",
    "FaqPage",
    "Promotion",
    "count_visible",
    "create_entry",
    "delete_entry",
    "entry_lesson",
    "faq_page",
    "get_entry",
    "promote_post",
    "promotion_of",
    "reindex_all_faq",
    "reindex_entry",
    "revert_to_file",
    "suggest",
    "sync_from_content",
    "update_entry",
]
