"""The dialogue after feedback (issue 14): whether the learner has read a released
feedback, their one follow-up question about it and its answer, how helpful they found
it, and the history of a resubmission's feedback. Rules in use-case modules that flush,
never commit (the request's session owns the transaction); mails only through the outbox:

* ``models``     - the tables: read receipt, question (and answer), rating; one each per
  released feedback; the report's tally
* ``scope``      - which released feedback a person may talk about (404 for the rest)
* ``receipts``   - the learner's first opening, once; the queue's "not read" condition
* ``deadlines``  - the question's window and the answer's promised day
* ``recipients`` - whom a question goes to: its author, or the course's tutors
* ``followups``  - asking (once, in the window) and answering (once)
* ``mails``      - the question's and the answer's emails
* ``ratings``    - rating a feedback 1 to 5 with a comment, changeable
* ``aggregates`` - ratings summed up: a tutor's own, per tutor, per exercise
* ``inbox``      - the open questions above the tutor queue
* ``figures``    - read rate, follow-ups, ratings per course, tutor and month, from the rows
* ``tally``      - the same counted at each write (``feedback_dialogue_tally``), and
  ``tallied`` - the figures read from it, for the admins' report
* ``views``      - what the feedback pages show of it; ``routes`` - its forms and pages
"""
