"""Coaching packages and entitlements, submission intake (one PDF), PDF checks, storage.

Not built yet: see the coaching issue.
"""
