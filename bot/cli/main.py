"""The `privacybot` command line: the group and its commands (one module per command group)."""

from __future__ import annotations

import click

from bot.cli import data, develop, knowledge, requests, serve, tickets
from bot.cli.common import Ctx
from bot.cli.console import console
from bot.clock import shift_for_tests


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.pass_context
def main(ctx: click.Context) -> None:
    """Privacy assistant: answers questions from the privacy notice, recognises data-subject
    requests, verifies the requester and files tickets for the Data Protection Officer.

    Configuration comes from PRIVACYBOT_* environment variables and an optional .env file
    (see README, "Configuration").
    """
    shift_for_tests()
    ctx.ensure_object(Ctx)


for command in (
    develop.train,
    develop.validate,
    serve.run,
    serve.rasa_server,
    serve.actions,
    serve.widget,
    serve.telegram,
    develop.bench,
    knowledge.kb,
    knowledge.ask,
    requests.triage,
    requests.deadline,
    develop.eval_group,
    tickets.tickets,
    serve.worker,
    data.db,
    data.subjects,
    console,
):
    main.add_command(command)

if __name__ == "__main__":
    main()
