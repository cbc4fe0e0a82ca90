"""The office-hours pages, on the coaching router (``coaching.routes.base``); the
coaching room's ``routes`` package imports each module so its routes are added."""
