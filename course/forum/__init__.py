"""The lesson forums: their rules callable without HTTP (as the forum's routes and the
other features of the course package - FAQ, questions to the lecturer, suggestions - use
them), who follows what, and the forum's emails. Other packages reach the forum through
``course.service`` only. Nothing here commits; the caller owns the transaction.

Split by use case, each in a module of its own:

* ``course.forum.access``     which lesson, thread or post a principal may see
* ``course.forum.reading``    a lesson's list of threads, a thread's page
* ``course.forum.read_state`` what a person has seen
* ``course.forum.posting``    asking, replying, editing and deleting; the search document
* ``course.forum.moderation`` the tutors' actions on threads and posts, reports
* ``course.forum.following``  following lessons and threads, the choice of email or digest
* ``course.forum.mail``       the email about a new post, a reported post
* ``course.forum.periodic``   the digests and the unanswered-question alerts, on a timer

Every email is written to the outbox (``kurswerk.core.outbox.queue.enqueue_email``) in the
caller's transaction, with a key that makes it idempotent. The author of an anonymous post
is named in an email only to tutors: the label comes from
``course.forum.views.author_label`` for each recipient. ``run_periodic(engine, settings)``
sends the digests that are due and the unanswered-question alerts; the outbox worker (or
cron) calls it every few minutes.
"""
