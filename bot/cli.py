"""The `privacybot` command line."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO

import click

from bot.bench import TARGETS as TARGET_NAMES
from bot.clock import shift_for_tests
from bot.console.cli import console
from bot.inputs import clean_text
from bot.settings import ConfigError, Settings, load_settings
from bot.tickets_cli import register


class _Ctx:
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


pass_ctx = click.make_pass_decorator(_Ctx, ensure=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.pass_context
def main(ctx: click.Context) -> None:
    """Privacy assistant: answers questions from the privacy notice, recognises data-subject
    requests, verifies the requester and files tickets for the Data Protection Officer.

    Configuration comes from PRIVACYBOT_* environment variables and an optional .env file
    (see README, "Configuration").
    """
    shift_for_tests()
    ctx.ensure_object(_Ctx)


@main.command()
@click.option("--force", is_flag=True, help="Train even if a model for the current data exists.")
@pass_ctx
def train(ctx: _Ctx, force: bool) -> None:
    """Train the Rasa model (skipped while config and training data are unchanged)."""
    _model(ctx.settings, force=force)


def _model(settings: Settings, force: bool = False) -> Path:
    """The trained model for the current data: trained now (saying so, with progress) if there is none."""
    from bot.training import model_path
    from bot.training import train as do_train

    target = model_path(settings.model_dir)
    if target.exists() and not force:
        click.echo(f"model up to date: {target}")
        return target
    click.echo("training the model for the current data (about 2 minutes on 2 cores; once per change of the data) …")
    started = time.monotonic()
    path, _ = _run_step(lambda: do_train(settings.model_dir, force=force, progress=click.echo))
    click.echo(f"trained in {_duration(time.monotonic() - started)}: {path}")
    return path


def _duration(seconds: float) -> str:
    """``95.2`` -> ``1 min 35 s``."""
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest} s" if minutes else f"{rest} s"


@main.command()
def validate() -> None:
    """Check domain, NLU data, rules and stories with `rasa data validate`."""
    from bot.training import validate as do_validate

    _run_step(do_validate)
    click.echo("training data valid")


@main.command()
@click.option(
    "--replicas",
    type=click.IntRange(1, 16),
    default=1,
    show_default=True,
    help="Rasa servers behind HAProxy (needs PostgreSQL and Redis, see README 'Deployment').",
)
@pass_ctx
def run(ctx: _Ctx, replicas: int) -> None:
    """Train if needed, then start the action server, the Rasa server(s), the worker and the widget page."""
    from bot.balancer import BalancerMissing, haproxy_binary
    from bot.runner import ClusterConfigError, announce_when_ready, check_cluster, process_specs
    from bot.services import prepare
    from bot.supervisor import Supervisor

    settings = ctx.settings
    try:  # refuse a cluster that cannot work before the slow steps below
        check_cluster(settings, replicas)
        if replicas > 1:
            haproxy_binary()
    except (ClusterConfigError, BalancerMissing) as exc:
        raise click.ClickException(str(exc)) from None
    started = time.monotonic()
    prepare(settings)
    click.echo(f"ticket database ready in {_duration(time.monotonic() - started)}")
    model = _model(settings)
    click.echo("starting the assistant; it says where to chat once it answers (about 30 s) …")
    supervisor = Supervisor(process_specs(settings, model, replicas=replicas))
    sys.exit(supervisor.run(on_started=announce_when_ready(settings)))


@main.command("rasa-server")
@pass_ctx
def rasa_server(ctx: _Ctx) -> None:
    """Run one Rasa server in this process's place (containers: one process each; `run` starts it for you)."""
    import os

    from bot.runner import rasa_server_spec
    from bot.training import model_path

    model = model_path(ctx.settings.model_dir)
    if not model.exists():
        raise click.ClickException(f"no trained model at {model}: run `privacybot train` first")
    spec = rasa_server_spec(ctx.settings, model)
    os.chdir(spec.cwd or ".")
    os.execve(spec.argv[0], list(spec.argv), {**os.environ, **spec.env})


@main.command()
@pass_ctx
def actions(ctx: _Ctx) -> None:
    """Run the action server (started by `run`; answers only the Rasa server's token)."""
    from bot.action_server import serve

    serve(ctx.settings)


@main.command()
@pass_ctx
def widget(ctx: _Ctx) -> None:
    """Serve the demo page with the chat widget (started by `run`)."""
    from bot.widget_server import serve

    serve(ctx.settings)


@main.command()
@pass_ctx
def telegram(ctx: _Ctx) -> None:
    """Run the Telegram bridge (needs PRIVACYBOT_TELEGRAM_TOKEN; started by `run` when set)."""
    from bot.logs import configure_logging
    from bot.telegram_bridge import run as run_bridge

    configure_logging(ctx.settings.log_level)
    try:
        run_bridge(ctx.settings)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None


@main.command()
@click.option(
    "--target",
    "targets",
    multiple=True,
    type=click.Choice(TARGET_NAMES),
    help="What to drive (repeatable; default: all four).",
)
@click.option("--quick", is_flag=True, help="Two short load levels only (a smoke run).")
@click.option(
    "--paired",
    nargs=2,
    type=click.Choice(TARGET_NAMES),
    default=None,
    metavar="A B",
    help="Compare two targets kept running side by side, measured in alternation (paired.json/png).",
)
@click.option(
    "--repeats",
    type=click.IntRange(1, 20),
    default=6,
    show_default=True,
    help="With --paired: how many times each target is measured.",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("bench-results"),
    show_default=True,
    help="Where bench.json and bench.png (or paired.json and paired.png) go.",
)
@pass_ctx
def bench(
    ctx: _Ctx, targets: tuple[str, ...], quick: bool, paired: tuple[str, str] | None, repeats: int, out: Path
) -> None:
    """Load benchmark over the REST channel (localhost only; PostgreSQL and Redis for production targets)."""
    from bot.bench.paired import paired_benchmark
    from bot.bench.run import benchmark
    from bot.training import train as do_train

    if paired and paired[0] == paired[1]:
        raise click.BadParameter("give two different targets", param_hint="--paired")
    model, _ = _run_step(lambda: do_train(ctx.settings.model_dir))
    workdir = ctx.settings.data_dir / "bench"
    if paired:
        paired_benchmark(model, paired, repeats, workdir, out, say=click.echo)
    else:
        benchmark(model, targets or TARGET_NAMES, workdir, out, quick=quick, say=click.echo)


@main.group()
def kb() -> None:
    """The knowledge base built from the privacy notice."""


@kb.command("build")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Where to write the JSON (default: policy_kb/notice.json).",
)
def kb_build(source: Path, out: Path | None) -> None:
    """Build the structured knowledge base from SOURCE (.txt, .md or .html)."""
    from bot.kb.build import build
    from bot.kb.model import KB_FILE

    try:
        built = build(source)
    except (UnicodeDecodeError, ValueError) as exc:
        raise click.ClickException(f"cannot read {source}: {exc}") from None
    if not built.sections:
        raise click.ClickException(f"no sections found in {source}")
    target = out or KB_FILE
    built.save(target)
    numbered = sum(1 for s in built.sections if s.number)
    click.echo(f"{len(built.sections)} sections ({numbered} numbered) -> {target}")
    if built.dropped_lines:
        click.echo(f"dropped page text: {', '.join(repr(x) for x in built.dropped_lines)}")


def _inputs(single: str | None, batch: TextIO | None, name: str) -> Iterable[str]:
    """The one argument, or every line of the batch file; a usage error if neither or both."""
    if (single is None) == (batch is None):
        raise click.UsageError(f"give either a {name} or --batch FILE")
    return [single or ""] if batch is None else (line.rstrip("\n") for line in batch)


@main.command()
@click.argument("question", required=False)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per answer.")
@click.option(
    "--batch",
    type=click.File("r", encoding="utf-8", errors="replace"),
    help="Answer every line of FILE (use - for stdin); one JSON line out per line in.",
)
def ask(question: str | None, as_json: bool, batch: TextIO | None) -> None:
    """Answer QUESTION from the privacy notice, citing the section."""
    from bot.kb.answer import answer_question

    for line in _inputs(question, batch, "QUESTION"):
        answer = answer_question(clean_text(line))
        if as_json or batch is not None:
            click.echo(json.dumps(answer.to_dict(), ensure_ascii=False))
        else:
            click.echo(answer.text)
            for b in answer.buttons:
                click.echo(f"  [{b['title']}]")


@main.command()
@click.argument("message", required=False)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per message.")
@click.option(
    "--batch",
    type=click.File("r", encoding="utf-8", errors="replace"),
    help="Triage every line of FILE (use - for stdin); one JSON line out per line in, in order.",
)
@pass_ctx
def triage(ctx: _Ctx, message: str | None, as_json: bool, batch: TextIO | None) -> None:
    """Which data-subject rights MESSAGE asks to exercise (needs the trained model)."""
    from bot.training import model_path
    from bot.triage import Triager

    lines = _inputs(message, batch, "MESSAGE")
    model = model_path(ctx.settings.model_dir)
    if not model.exists():
        raise click.ClickException(f"no trained model at {model}: run `privacybot train` first")
    triager = Triager(model)
    for line in lines:
        result = triager.triage(line)
        if as_json or batch is not None:
            click.echo(json.dumps(result.to_dict(), ensure_ascii=False))
        else:
            rights = ", ".join(result.rights) or "none"
            click.echo(f"rights: {rights}  (intent {result.intent}, confidence {result.confidence:.2f})")
            if result.question_about:
                click.echo(f"question about: {', '.join(result.question_about)}")


class Instant(click.ParamType):
    """An ISO 8601 instant with a UTC offset, e.g. 2026-01-15T10:00:00+01:00 or ...Z."""

    name = "INSTANT"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> datetime:
        if isinstance(value, datetime):
            return value
        try:
            parsed = datetime.fromisoformat(str(value))
        except ValueError:
            parsed = None
        if parsed is None or parsed.utcoffset() is None:
            self.fail(f"{value!r} is not an ISO 8601 instant with offset (e.g. 2026-01-15T10:00:00+01:00)")
        return parsed


@main.command()
@click.argument("received", type=Instant())
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_ctx
def deadline(ctx: _Ctx, received: datetime, as_json: bool) -> None:
    """The deadline for a request RECEIVED at an instant (Art. 12(3) GDPR, Reg. 1182/71 Art. 3)."""
    from bot.deadline import deadlines

    result = deadlines(received, ctx.settings.jurisdiction)
    if as_json:
        click.echo(json.dumps(result.to_dict()))
    else:
        click.echo(f"received (controller's local date): {result.received_local:%A %d %B %Y}")
        click.echo(f"answer due by:                      {result.due:%A %d %B %Y}")
        click.echo(f"if extended by two months:          {result.due_extended:%A %d %B %Y}")


@kb.command("fit-weights")
@click.option(
    "--set",
    "question_set",
    type=click.Choice(["dev"]),
    default="dev",
    show_default=True,
    help="The question set to fit on (never the held-out one).",
)
@click.option("--folds", type=click.IntRange(2, 20), default=5, show_default=True)
def kb_fit_weights(question_set: str, folds: int) -> None:
    """Fit the weights of the retrieval signals (paste the result into bot/kb/retrieve.py WEIGHTS)."""
    import numpy as np

    from bot.kb.evaluate import QUESTION_SETS, load_questions
    from bot.kb.fit import examples as fit_examples
    from bot.kb.fit import fit, top1
    from bot.kb.retrieve import SIGNALS, WEIGHTS, default_retriever

    retriever = default_retriever()
    questions = load_questions(QUESTION_SETS[question_set])
    result = fit(retriever, questions, folds=folds)
    shipped = top1(np.array(WEIGHTS), fit_examples(retriever, questions))
    click.echo(f"fitted on {result.questions} answerable questions of {QUESTION_SETS[question_set].name}")
    click.echo(f"WEIGHTS = {result.weights}  # {', '.join(SIGNALS)}")
    click.echo(f"{folds}-fold cross-validated top-1 (best-ranked section): {result.cv_top1:.3f}")
    click.echo(f"shipped WEIGHTS {WEIGHTS}: top-1 on the same questions {shipped:.3f} (in-sample)")


@main.group("eval")
def eval_group() -> None:
    """Evaluation on held-out data (figures printed, nothing asserted)."""


@eval_group.command("kb")
@click.option(
    "--set",
    "question_set",
    type=click.Choice(["heldout", "dev"]),
    default="heldout",
    show_default=True,
    help="heldout: the reported figures; dev: the questions used for tuning.",
)
@click.option("--show-misses", is_flag=True, help="List the questions answered wrongly.")
def eval_kb(question_set: str, show_misses: bool) -> None:
    """Answering from the notice: top-1/top-3 accuracy, abstention, latency, against a baseline."""
    from bot.kb.evaluate import (
        QUESTION_SETS,
        baseline_system,
        evaluate,
        load_questions,
        report,
        shipped_system,
    )
    from bot.kb.retrieve import default_retriever

    questions = load_questions(QUESTION_SETS[question_set])
    click.echo(f"question set: {QUESTION_SETS[question_set].name}")
    retriever = default_retriever()
    retriever.search("warm up")
    ours = evaluate(shipped_system(retriever), questions)
    base = evaluate(baseline_system(retriever.kb), questions)
    click.echo(report("privacybot retrieval (lemmas + privacy concepts + typo repair + abstention)", ours))
    click.echo(report("baseline: BM25 over title x2 + body, plain tokens, no abstention", base))
    if show_misses:
        for miss in ours["misses"]:
            click.echo(f"  miss: {json.dumps(miss, ensure_ascii=False)}")


@eval_group.command("nlu")
@click.option("--no-baseline", is_flag=True, help="Skip training and scoring the rasa init baseline.")
@click.option("--folds", default=3, show_default=True, help="Folds of `rasa test nlu` cross-validation (0: skip).")
@pass_ctx
def eval_nlu(ctx: _Ctx, no_baseline: bool, folds: int) -> None:
    """Right recognition on the held-out, real-world-style and German sets, against Rasa's default pipeline."""
    from bot.nlu_eval import EVAL_SETS, by_kind, load_heldout, report, score, side_by_side
    from bot.training import BASELINE_CONFIG_FILE, CONFIG_FILE, DATA_DIR, DOMAIN_FILE
    from bot.training import train as do_train
    from bot.triage import Triager

    sets = {spec.name: load_heldout(spec.path) for spec in EVAL_SETS}
    model, _ = _run_step(lambda: do_train(ctx.settings.model_dir))
    ours = Triager(model)
    results = {name: score(lambda t: ours.triage(t).rights, items) for name, items in sets.items()}
    click.echo(report("privacybot (bot/config.yml), held-out set: whole message + clauses", results["heldout"]))
    click.echo("privacybot (bot/config.yml), every set (before: the model before issue #15)")
    click.echo(side_by_side(results))
    for name, result in results.items():
        if result["kinds"]:
            click.echo(f"  {name}: exact set by kind")
            click.echo(by_kind(result))
    whole_only = Triager(model, split_clauses=False)
    click.echo(
        report(
            "privacybot, held-out set, whole message only (multi-intents, no clause splitting)",
            score(lambda t: whole_only.triage(t).rights, sets["heldout"]),
            detail=False,
        )
    )
    if not no_baseline:
        base_model, _ = _run_step(lambda: do_train(ctx.settings.model_dir, config=BASELINE_CONFIG_FILE, nlu_only=True))
        base = Triager(base_model)
        click.echo(
            report(
                "baseline: rasa init default pipeline, same data, held-out set, whole message + clauses",
                score(lambda t: base.triage(t).rights, sets["heldout"]),
            )
        )
    if folds:
        out = ctx.settings.data_dir / "eval" / "nlu-cross-validation"
        cmd = [
            sys.executable,
            "-m",
            "rasa",
            "test",
            "nlu",
            "--config",
            str(CONFIG_FILE),
            "--domain",
            str(DOMAIN_FILE),
        ]
        cmd += [
            "--nlu",
            str(DATA_DIR / "nlu"),
            "--cross-validation",
            "--folds",
            str(folds),
            "--out",
            str(out),
        ]
        _run_step(lambda: subprocess.run(cmd, check=True, capture_output=True, text=True))
        intents = json.loads((out / "intent_report.json").read_text())
        click.echo(
            f"rasa test nlu --cross-validation --folds {folds} (training data): intent accuracy "
            f"{intents['accuracy']:.3f}, macro-F1 {intents['macro avg']['f1-score']:.3f}; report in {out}"
        )


def _run_step(step: Any) -> Any:
    try:
        return step()
    except subprocess.CalledProcessError as exc:
        raise click.ClickException(f"command failed with exit code {exc.returncode}") from None


register(main)
main.add_command(console)

if __name__ == "__main__":
    main()
