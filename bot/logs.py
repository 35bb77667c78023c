"""Logging setup for in-process use of Rasa (CLI commands that load the model)."""

from __future__ import annotations

import logging
import os
import sys


def quiet_library_logging(level: int = logging.WARNING) -> None:
    """Send library logs to stderr at ``level`` or above, so stdout carries only our output.

    Rasa's structlog loggers otherwise print every parsed message (with its text) to stdout at
    debug level.
    """
    import structlog

    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    logging.basicConfig(stream=sys.stderr, level=level, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger().setLevel(level)
    structlog.configure(
        processors=[structlog.processors.add_log_level, structlog.processors.JSONRenderer()],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.make_filtering_bound_logger(level),
        cache_logger_on_first_use=True,
    )
