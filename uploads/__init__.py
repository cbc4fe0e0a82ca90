"""Coaching packages and entitlements, submission intake (one PDF), PDF checks, storage.

Built so far (the building blocks, no routes yet): ``intake`` (streaming multipart, size
limits), ``pdfcheck`` (one plain PDF, checked in isolated workers), ``storage``
(content-addressed files), ``scan`` (optional ClamAV), ``errors`` and ``messages``
(refusal codes and their texts). Entitlements, submissions and routes follow.
"""
