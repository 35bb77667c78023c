"""`python -m bot.cli`: the `privacybot` command."""

from bot.cli.main import main

main()
