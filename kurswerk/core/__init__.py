"""The shell's core, importing no domain: settings, database, auth and sessions, CSRF,
errors, security headers, templating, i18n, mail, the outbox (``outbox/``) and files
(``files/``)."""
