"""Log redaction: personal data and secrets are masked in every record, whatever handler prints it."""

from __future__ import annotations

import io
import logging

import pytest

from bot.logs import configure_logging, install_redaction, redact


@pytest.mark.parametrize(
    ("text", "hidden", "kept"),
    [
        ("code sent to jane.doe+x@example.org", "jane.doe+x@example.org", "code sent to [email]"),
        ("call me on +49 40 1234 5678", "1234 5678", "[phone]"),
        ("mobile 0151 2345678 please", "2345678", "[phone]"),
        ("the code is 483920", "483920", "[code]"),
        ("bot 123456789:AAH4ajsdkjaskdjaskdjaskdjaskdjaskdjsa said", "AAH4ajsdk", "[token]"),
        ("GET /x?token=abcd1234efgh HTTP/1.1", "abcd1234efgh", "token=[token]"),
        ("Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.x.y", "eyJhbGci", "Bearer [token]"),
        ("key 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", "9f86d08188", "[token]"),
        ("client 203.0.113.5 refused", "203.0.113.5", "[ip]"),
    ],
)
def test_personal_data_and_secrets_are_masked(text: str, hidden: str, kept: str) -> None:
    masked = redact(text)
    assert hidden not in masked and kept in masked


@pytest.mark.parametrize(
    "text",
    ["due 2026-12-19", "Rasa 3.6.21 on port 5005", "listening on 127.0.0.1:5055", "ticket DSR-2026-000042"],
)
def test_ordinary_log_text_is_left_alone(text: str) -> None:
    assert redact(text) == text


def test_records_are_masked_even_through_a_handler_installed_later() -> None:
    """Rasa replaces the root handler (coloredlogs); masking happens when the record is made."""
    install_redaction()
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    logger = logging.getLogger("some.library")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        logger.info("user %s sent code %s", "jane@example.com", "123456")
        try:
            raise ValueError("bad address jane@example.com")
        except ValueError:
            logger.exception("failed for %s", "jane@example.com")
    finally:
        logger.removeHandler(handler)
    output = stream.getvalue()
    assert "jane@example.com" not in output and "123456" not in output
    assert "user [email] sent code [code]" in output
    assert "ValueError: bad address [email]" in output


def test_configure_logging_writes_masked_lines_at_the_level_asked() -> None:
    stream = io.StringIO()
    configure_logging("INFO", stream=stream)
    logging.getLogger("bot.test").debug("hidden debug line")
    logging.getLogger("bot.test").info("mail for max@example.org")
    assert "hidden debug line" not in stream.getvalue()
    assert "mail for [email]" in stream.getvalue()
