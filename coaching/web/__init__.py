"""The coaching pages, one module per page group (packages, grants, CSV import, roster),
all adding their routes to the one router of ``coaching.web.router``."""
