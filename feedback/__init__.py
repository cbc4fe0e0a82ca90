"""The tutors' feedback: tutor queue, claims, drafts, release, what learners see
(coaching issue §3-5, DESIGN.md §2 step 4). Nothing in the rules commits: the caller's
session (the request's) owns the transaction. No other package calls into feedback; its
routes and pages use the use-case modules directly:

* ``queue``    - the queue page: one indexed query, keyset pages, filters
* ``claims``   - one tutor at a time; expiry and confirmed takeover; atomic
* ``drafts``   - the Markdown draft and its PDF attachment, guarded by the claim
* ``release``  - released feedback + status + the learner's email + the gradebook's
  score (``gradebook``), one transaction
* ``review_landing`` - where the LMS gradebook's *view submission* opens
* ``pages``    - what the review page and the learner's feedback page show; the PDFs
* ``access``   - who may see which submission (404 for everything else)
* ``workdays`` - the feedback target in working days
* ``comment_bank/`` - the tutors' shared snippets, inserted with the keyboard, and each
  exercise's feedback template that pre-fills a new draft
* ``dialogue/`` - after the release: the read receipt, the learner's one follow-up
  question and its answer, the rating, a resubmission's history
"""
