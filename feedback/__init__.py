"""Feedback on submissions: the tutors' queue, claims, the draft and its PDF, release with
the learner's email and the gradebook passback, and the learner's feedback pages."""
