"""One logging setup for every process, with personal data and secrets masked.

Masking happens when a log record is created (a record factory), so it covers every handler and
formatter a library installs later (Rasa replaces the root handler with coloredlogs) and every
structlog message, which ends up as a standard record too. Exception texts are masked as well.
"""

from __future__ import annotations

import logging
import os
import re
import sys
from typing import Any

# Order matters: tokens before digits, so a bot token is not half-masked as a phone number.
_TOKENS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"(?i)\bbearer\s+[^\s\"']+"), "Bearer [token]"),
    (re.compile(r"\b\d{6,12}:[A-Za-z0-9_-]{30,}\b"), "[token]"),  # Telegram bot token
    (re.compile(r"(?i)\b(bearer|token|secret|password|auth)([\"']?\s*[=:]\s*[\"']?)[^\s\"'&,;]+"), r"\1\2[token]"),
    (re.compile(r"\b[A-Fa-f0-9]{32,}\b|\b[A-Za-z0-9_-]{40,}\b"), "[token]"),
    (re.compile(r"[A-Za-z0-9._%+'-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}"), "[email]"),
]
_DIGITS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"(?<![\w.-])\d{6}(?![\w.])"), "[code]"),
    (re.compile(r"\b(?!127\.0\.0\.1\b|0\.0\.0\.0\b)(?:\d{1,3}\.){3}\d{1,3}\b"), "[ip]"),
]


_PHONE = re.compile(r"(?<![\w.:/-])\+?\d[\d ()/-]{5,}\d(?![\w.:/-])")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _phone(match: re.Match[str]) -> str:
    text = match.group(0)
    if _DATE.fullmatch(text) or sum(c.isdigit() for c in text) < 7:
        return text
    return "[phone]"


def redact(text: str) -> str:
    """``text`` with email addresses, phone numbers, 6-digit codes, tokens and client IPs masked."""
    for pattern, replacement in _TOKENS:
        text = pattern.sub(replacement, text)
    text = _PHONE.sub(_phone, text)
    for pattern, replacement in _DIGITS:
        text = pattern.sub(replacement, text)
    return text


_base_factory = logging.getLogRecordFactory()


def _redacting_factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
    record = _base_factory(*args, **kwargs)
    try:
        message = record.getMessage()
    except Exception:  # a broken format string must not lose the record
        message = str(record.msg)
    record.msg, record.args = redact(message), None
    if record.exc_info and record.exc_info[0] is not None:
        record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
    return record


def install_redaction() -> None:
    """Mask personal data in every log record this process creates from now on."""
    if logging.getLogRecordFactory() is not _redacting_factory:
        logging.setLogRecordFactory(_redacting_factory)


# Libraries whose INFO lines carry request details or are noise; never needed at INFO.
_QUIET = ("httpx", "httpcore", "urllib3", "sanic.access", "aiogram", "apscheduler", "telegram.ext.Updater")


def configure_logging(level: str = "INFO", stream: Any = None) -> None:
    """Plain text logs to stderr at ``level`` for our own processes, with redaction."""
    install_redaction()
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(level)
    for name in _QUIET:
        logging.getLogger(name).setLevel(logging.WARNING)


def quiet_library_logging(level: int = logging.WARNING) -> None:
    """Send library logs to stderr at ``level`` or above, so stdout carries only our output.

    Rasa's structlog loggers otherwise print every parsed message (with its text) to stdout at
    debug level.
    """
    import structlog

    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    configure_logging(logging.getLevelName(level))
    structlog.configure(
        processors=[structlog.processors.add_log_level, structlog.processors.JSONRenderer()],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.make_filtering_bound_logger(level),
        cache_logger_on_first_use=True,
    )
