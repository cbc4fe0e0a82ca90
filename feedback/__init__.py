"""Tutor queue, claims, feedback, release, learner notification, gradebook passback.

Not built yet: see the coaching issue.
"""
