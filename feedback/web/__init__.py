"""The feedback pages: the tutors' queue, a submission's review and release, the feedback
PDF upload, and the learner's feedback page."""
