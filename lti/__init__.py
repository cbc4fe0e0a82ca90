"""LTI 1.3: platform registrations, OIDC login, launch, JWKS and the identities a launch
creates (platform users, LMS courses, memberships). The FastAPI adapter for pylti1p3
lives here and nowhere else."""
