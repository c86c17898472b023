"""Keep aiohttp's own logs free of visitors' details (IP addresses, headers, raw requests).

The public side never keeps an access log, and aiohttp's server logger would otherwise write
'Error handling request from <IP>' with the parser's exception, which can quote raw headers.
"""

from __future__ import annotations

import logging

ACCESS_LOGGER = "aiohttp.access"
SERVER_LOGGER = "aiohttp.server"


class DropAll(logging.Filter):
    """Drops every record (the access log)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return False


class OnlyExceptionType(logging.Filter):
    """Rewrites a record to a fixed message naming only the exception type."""

    def filter(self, record: logging.LogRecord) -> bool:
        kind = record.exc_info[0].__name__ if record.exc_info and record.exc_info[0] else "none"
        record.msg = "aiohttp server error (%s)"
        record.args = (kind,)
        record.exc_info = None
        record.exc_text = None
        record.stack_info = None
        return True


def install_log_privacy() -> None:
    """Add the filters once to aiohttp's access and server loggers."""
    for name, filter_class in ((ACCESS_LOGGER, DropAll), (SERVER_LOGGER, OnlyExceptionType)):
        logger = logging.getLogger(name)
        if not any(isinstance(existing, filter_class) for existing in logger.filters):
            logger.addFilter(filter_class())
