"""What the command groups share: lazily loaded settings, input lines, running a step, the ticket register."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any, TextIO

import click

from bot.settings import ConfigError, Settings, load_settings
from bot.tickets.service import TicketService


class Ctx:
    """Lazily loaded settings, so `--help` works even with a broken configuration."""

    _settings: Settings | None = None

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            try:
                self._settings = load_settings()
            except ConfigError as exc:
                raise click.ClickException(str(exc)) from None
        return self._settings


pass_ctx = click.make_pass_decorator(Ctx, ensure=True)


def settings_of(ctx: click.Context) -> Settings:
    """The settings of the `privacybot` invocation."""
    settings: Settings = ctx.find_root().obj.settings
    return settings


def ticket_register(settings: Settings) -> TicketService:
    """The ticket register (schema brought up to date first), with its emails and erasures wired in."""
    from bot.db.sessions import upgrade
    from bot.worker.ticket_events import ticket_service

    upgrade(settings.database_url)
    return ticket_service(settings)


def trained_model(settings: Settings, force: bool = False) -> Path:
    """The trained model for the current data: trained now (saying so, with progress) if there is none."""
    from bot.devtools.training import model_path
    from bot.devtools.training import train as do_train

    target = model_path(settings.model_dir)
    if target.exists() and not force:
        click.echo(f"model up to date: {target}")
        return target
    click.echo("training the model for the current data (about 3 minutes on 2 cores; once per change of the data) …")
    started = time.monotonic()
    path, _ = run_step(lambda: do_train(settings.model_dir, force=force, progress=click.echo))
    click.echo(f"trained in {duration(time.monotonic() - started)}: {path}")
    return path


def duration(seconds: float) -> str:
    """``95.2`` -> ``1 min 35 s``."""
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest} s" if minutes else f"{rest} s"


def inputs(single: str | None, batch: TextIO | None, name: str) -> Iterable[str]:
    """The one argument, or every line of the batch file; a usage error if neither or both."""
    if (single is None) == (batch is None):
        raise click.UsageError(f"give either a {name} or --batch FILE")
    return [single or ""] if batch is None else (line.rstrip("\n") for line in batch)


def run_step(step: Any) -> Any:
    """Run ``step``; a failed subprocess becomes a one-line error of the command."""
    try:
        return step()
    except subprocess.CalledProcessError as exc:
        raise click.ClickException(f"command failed with exit code {exc.returncode}") from None
