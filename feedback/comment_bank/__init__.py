"""The comment bank: snippets the course's tutors share and insert into feedback with the
keyboard, and the feedback template of each exercise that pre-fills a new draft (issue 13,
"Comment bank"). Rules in use-case modules that flush, never commit:

* ``scope``     - whose bank: the LMS course and the course it shows; its exercises and
  industries; tutors and admins only (404 for everyone else)
* ``snippets``  - create, change, delete a snippet (checked, bounded); count a use
* ``search``    - search while typing: one indexed, bounded query, most used first
* ``templates`` - the feedback template of an exercise (the default, or the LMS course's
  own) and the text that pre-fills a new draft, in the learner's language
* ``views``     - what the bank page and the review page's panel show
* ``routes``    - the page "Textbausteine", its forms, the JSON search and the use count
"""
