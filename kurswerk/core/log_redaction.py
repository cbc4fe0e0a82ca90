"""No token in a log line: the secrets that travel in URLs are blanked before logging.

Kurswerk's page token (``kt``), an email link's token (``t``), a form's ``csrf_token``,
dynamic registration's ``registration_token`` (and, in the demo's LMS simulator, the OIDC
``state``/``nonce`` and the ``id_token``) can appear in a request's query string; uvicorn's
access log writes the whole URL. ``RedactSecrets`` replaces each such value with
``[redacted]`` in any log record's message and arguments, so whoever reads the server's log
cannot replay a session. ``uvicorn_log_config`` is uvicorn's own logging configuration with
this filter on its loggers; ``kurswerk serve`` and ``kurswerk demo`` start uvicorn with it,
and it is a plain dict, so worker processes (``--workers``) configure themselves the same way.
"""

from __future__ import annotations

import copy
import logging
import re
from typing import Any

from uvicorn.config import LOGGING_CONFIG

from kurswerk.core.email_links import EMAIL_LINK_QUERY

SECRET_QUERY_PARAMETERS = (
    "kt",
    EMAIL_LINK_QUERY,  # the signed token of a link in an email
    "csrf_token",
    "registration_token",
    "id_token",
    "access_token",
    "state",
    "nonce",
    "lti_message_hint",
)
REDACTED = "[redacted]"

_SECRET_VALUE = re.compile(
    r"(?P<name>(?:^|[?&;\s])(?:" + "|".join(SECRET_QUERY_PARAMETERS) + r")=)[^&\s\"'#;]*",
    re.IGNORECASE,
)


def redact(text: str) -> str:
    """``text`` with the value of every secret query parameter blanked."""
    return _SECRET_VALUE.sub(lambda m: m.group("name") + REDACTED, text)


class RedactSecrets(logging.Filter):
    """Blanks secret query parameters in a record's message and string arguments."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        elif isinstance(record.args, dict):
            record.args = {
                k: redact(v) if isinstance(v, str) else v for k, v in record.args.items()
            }
        return True


def uvicorn_log_config(access_level: str = "INFO") -> dict[str, Any]:
    """uvicorn's default logging configuration, every logger and handler filtered, with
    Kurswerk's own access log (``kurswerk.core.access_log``: one JSON line per request,
    no query string) on standard output at ``access_level``."""
    config = copy.deepcopy(LOGGING_CONFIG)
    config["filters"] = {"redact_secrets": {"()": f"{__name__}.RedactSecrets"}}
    config["formatters"]["kurswerk_access"] = {"format": "%(asctime)s %(message)s"}
    config["handlers"]["kurswerk_access"] = {
        "formatter": "kurswerk_access",
        "class": "logging.StreamHandler",
        "stream": "ext://sys.stdout",
    }
    config["loggers"]["kurswerk.access"] = {
        "handlers": ["kurswerk_access"],
        "level": access_level.upper(),
        "propagate": False,
    }
    for section in ("handlers", "loggers"):
        for entry in config[section].values():
            entry["filters"] = ["redact_secrets"]
    return config


def redact_root_handlers() -> None:
    """The same filter on the root logger's handlers (``logging.basicConfig``'s), for the
    lines the tool and the worker write themselves."""
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, RedactSecrets) for f in handler.filters):
            handler.addFilter(RedactSecrets())
