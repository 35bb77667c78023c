"""Commands that run the assistant and its processes (run, rasa-server, actions, widget, telegram, worker)."""

from __future__ import annotations

import os
import sys
import threading
import time

import click

from bot.cli.common import Ctx, duration, pass_ctx, settings_of, ticket_register, trained_model


@click.command()
@click.option(
    "--replicas",
    type=click.IntRange(1, 16),
    default=1,
    show_default=True,
    help="Rasa servers behind HAProxy (needs PostgreSQL and Redis, see README 'Deployment').",
)
@pass_ctx
def run(ctx: Ctx, replicas: int) -> None:
    """Train if needed, then start the action server, the Rasa server(s), the worker and the widget page."""
    from bot.runtime.balancer import BalancerMissing, haproxy_binary
    from bot.runtime.runner import ClusterConfigError, announce_when_ready, check_cluster, process_specs
    from bot.runtime.supervisor import Supervisor
    from bot.runtime.wiring import prepare

    settings = ctx.settings
    try:  # refuse a cluster that cannot work before the slow steps below
        check_cluster(settings, replicas)
        if replicas > 1:
            haproxy_binary()
    except (ClusterConfigError, BalancerMissing) as exc:
        raise click.ClickException(str(exc)) from None
    started = time.monotonic()
    prepare(settings)
    click.echo(f"ticket database ready in {duration(time.monotonic() - started)}")
    model = trained_model(settings)
    click.echo("starting the assistant; it says where to chat once it answers (10-20 s) …")
    supervisor = Supervisor(process_specs(settings, model, replicas=replicas))
    sys.exit(supervisor.run(on_started=announce_when_ready(settings)))


@click.command("rasa-server")
@pass_ctx
def rasa_server(ctx: Ctx) -> None:
    """Run one Rasa server in this process's place (containers: one process each; `run` starts it for you)."""

    from bot.devtools.training import model_path
    from bot.runtime.runner import rasa_server_spec

    model = model_path(ctx.settings.model_dir)
    if not model.exists():
        raise click.ClickException(f"no trained model at {model}: run `privacybot train` first")
    spec = rasa_server_spec(ctx.settings, model)
    os.chdir(spec.cwd or ".")
    os.execve(spec.argv[0], list(spec.argv), {**os.environ, **spec.env})


@click.command()
@pass_ctx
def actions(ctx: Ctx) -> None:
    """Run the action server (started by `run`; answers only the Rasa server's token)."""
    from bot.runtime.action_server import serve

    serve(ctx.settings)


@click.command()
@pass_ctx
def widget(ctx: Ctx) -> None:
    """Serve the demo page with the chat widget (started by `run`)."""
    from bot.channels.widget_server import serve

    serve(ctx.settings)


@click.command()
@pass_ctx
def telegram(ctx: Ctx) -> None:
    """Run the Telegram bridge (needs PRIVACYBOT_TELEGRAM_TOKEN; started by `run` when set)."""
    from bot.channels.telegram_bridge import run as run_bridge
    from bot.logs import configure_logging

    configure_logging(ctx.settings.log_level)
    try:
        run_bridge(ctx.settings)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None


@click.command()
@click.option("--once", is_flag=True, help="Run one round and exit.")
@click.pass_context
def worker(ctx: click.Context, once: bool) -> None:
    """Send queued emails and DPO reminders (runs until stopped)."""
    import logging
    import signal

    from bot.logs import configure_logging
    from bot.worker.loop import Worker

    settings = settings_of(ctx)
    configure_logging(settings.log_level)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    ticket_register(settings)
    w = Worker(settings)
    if once:
        report = w.run_once()
        click.echo(f"reminders queued: {report.reminders}, emails sent: {report.sent}, failed: {report.failed}")
        return
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    click.echo(f"worker started (every {settings.worker_interval:g}s)")
    w.run_forever(stop)
