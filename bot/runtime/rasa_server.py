"""Entry point for Rasa's own command line with this project's redacted logging.

``python -m bot.runtime.rasa_server run ...`` behaves as ``python -m rasa run ...``; the differences: every
log record the Rasa server creates passes through :func:`bot.logs.redact`, the speed fix of
:mod:`bot.runtime.rasa_patches` is installed, letters are parsed clause by clause (:mod:`bot.runtime.letters`),
and each message's parse carries the conversation's language when it changes (:mod:`bot.runtime.language`).
"""

from __future__ import annotations

import logging

from bot.clock import shift_for_tests
from bot.logs import install_redaction


def main() -> None:
    """Install log redaction and the speed fix, then hand over to Rasa's CLI."""
    shift_for_tests()
    install_redaction()
    logging.getLogger("alembic").setLevel(logging.WARNING)  # the channel's ticket database check
    from rasa.__main__ import main as rasa_main

    from bot.runtime import language, letters, rasa_patches

    rasa_patches.apply()
    letters.apply()
    language.apply()  # after letters: the language is decided on the letter's parse
    rasa_main()


if __name__ == "__main__":
    main()
