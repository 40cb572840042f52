"""Keep private tokens out of the logs.

The respondent's portal token (``/me/<token>/``, ``/r/<token>/receipt/…``),
the resume token (``/s/<slug>/resume/<token>/``), an invitation's unsubscribe
token (``/u/<token>/``), a member invitation (``/accounts/join/<token>/``) and a
password-reset token are in the path of their pages, and Django's request
and CSRF loggers write the path of every 4xx and 5xx response. `RedactTokens`
replaces those path segments with ``[token]`` in every record the console
handler writes (gunicorn.conf.py does the same for the access log).
"""

import logging
import re

TOKEN_IN_PATH = re.compile(
    r"(/(?:me|r|u)/|/resume/|/accounts/join/|/accounts/password/reset/[^/\s?#\"']+/)"
    r"[^/\s?#\"']+"
)


def redact(text: str) -> str:
    return TOKEN_IN_PATH.sub(r"\1[token]", text)


class RedactTokens(logging.Filter):
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
