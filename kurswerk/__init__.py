"""Kurswerk: the shell of the LTI 1.3 tool (app factory, settings, database, auth, CLI).

Nothing domain-specific lives in this package; the domains are `lti`, `course`,
`uploads` and `feedback`, each mounted by `kurswerk.app.create_app`.
"""
