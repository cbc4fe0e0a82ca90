"""Grants of coaching packages: the changes (grant, revoke, extend), the admin page's form,
whom a grant names, reading them, and the learner's email; ``service`` names what
other packages call."""
