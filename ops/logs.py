"""Log lines with their request's context, plain for people or JSON for a log pipeline.

``LOG_FORMAT=json`` writes one JSON object per line: time, level, logger, message, and the
request id, user id (never an email), seminar and session where known. Email addresses that
a message carries are masked in that format, since log pipelines keep lines for months.
"""

import contextvars
import json
import logging
import re
import time

CONTEXT_FIELDS = ("request_id", "user_id", "seminar", "session")
CONTEXT: contextvars.ContextVar[dict | None] = contextvars.ContextVar("openips_log", default=None)
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def context_set(**values) -> None:
    """Add to the current request's context (a fresh dict per request, see the middleware)."""
    current = CONTEXT.get()
    if current is None:
        current = {}
        CONTEXT.set(current)
    current.update({key: value for key, value in values.items() if value is not None})


class ContextFilter(logging.Filter):
    """Puts the request context on every record (``None`` outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        context = CONTEXT.get() or {}
        for field in CONTEXT_FIELDS:
            if not hasattr(record, field):
                setattr(record, field, context.get(field))
        return True


class RefusalFilter(logging.Filter):
    """Django logs a refused request (403, 404, 400) with the whole traceback of the
    exception behind it. The access line of ``ops.middleware`` already says it in one line,
    so those records are dropped here; server errors (5xx) keep their traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        return getattr(record, "status_code", 500) >= 500


class PlainFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s %(message)s%(context)s")

    def format(self, record: logging.LogRecord) -> str:
        parts = [
            f"{field}={getattr(record, field)}"
            for field in CONTEXT_FIELDS
            if getattr(record, field, None) is not None
        ]
        record.context = f" [{' '.join(parts)}]" if parts else ""
        return super().format(record)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for field in CONTEXT_FIELDS:
            value = getattr(record, field, None)
            if value is not None:
                line[field] = value
        for field in ("method", "path", "status", "duration_ms", "view"):
            if hasattr(record, field):
                line[field] = getattr(record, field)
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return EMAIL.sub("[email]", json.dumps(line, default=str, ensure_ascii=False))
