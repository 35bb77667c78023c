"""Developer commands: training, validation, the load benchmark, evaluations of the NLU and the knowledge base."""

from __future__ import annotations

import json
from pathlib import Path

import click

from bot.cli.common import Ctx, pass_ctx, run_step, trained_model
from bot.devtools.bench import TARGETS as TARGET_NAMES


@click.command()
@click.option("--force", is_flag=True, help="Train even if a model for the current data exists.")
@pass_ctx
def train(ctx: Ctx, force: bool) -> None:
    """Train the Rasa model (skipped while config and training data are unchanged)."""
    trained_model(ctx.settings, force=force)


@click.command()
def validate() -> None:
    """Check domain, NLU data, rules and stories with `rasa data validate`."""
    from bot.devtools.training import validate as do_validate

    run_step(do_validate)
    click.echo("training data valid")


@click.command()
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
    ctx: Ctx, targets: tuple[str, ...], quick: bool, paired: tuple[str, str] | None, repeats: int, out: Path
) -> None:
    """Load benchmark over the REST channel (localhost only; PostgreSQL and Redis for production targets)."""
    from bot.devtools.bench.paired import paired_benchmark
    from bot.devtools.bench.run import benchmark
    from bot.devtools.training import train as do_train

    if paired and paired[0] == paired[1]:
        raise click.BadParameter("give two different targets", param_hint="--paired")
    model, _ = run_step(lambda: do_train(ctx.settings.model_dir))
    workdir = ctx.settings.data_dir / "bench"
    if paired:
        paired_benchmark(model, paired, repeats, workdir, out, say=click.echo)
    else:
        benchmark(model, targets or TARGET_NAMES, workdir, out, quick=quick, say=click.echo)


@click.group("eval")
def eval_group() -> None:
    """Evaluation on held-out data (figures printed, nothing asserted)."""


@eval_group.command("kb")
@click.option(
    "--set",
    "question_set",
    type=click.Choice(["all", "heldout", "realworld", "de", "dev", "dev-everyday", "kb-de-dev", "en-dev2"]),
    default="all",
    show_default=True,
    help="all: held-out, real-world-style and German sets side by side with the figures before #15; "
    "dev, dev-everyday, kb-de-dev (German), en-dev2: the questions used for tuning.",
)
@click.option("--show-misses", is_flag=True, help="List the questions answered wrongly.")
def eval_kb(question_set: str, show_misses: bool) -> None:
    """Answering from the notice: top-1/top-3, abstention, overview answers, latency, against a baseline."""
    from bot.devtools.kb_eval import (
        QUESTION_SETS,
        REPORTED_SETS,
        baseline_system,
        evaluate,
        load_questions,
        report,
        shipped_system,
        side_by_side,
    )
    from bot.dialogue.questions import warm
    from bot.kb.retrieve import default_retriever

    warm()  # as the server does at start, so that no question pays for loading
    names = REPORTED_SETS if question_set == "all" else (question_set,)
    results = {}
    for name in names:
        questions = load_questions(QUESTION_SETS[name])
        click.echo(f"question set: {QUESTION_SETS[name].name}")
        results[name] = evaluate(shipped_system(), questions)
        base = evaluate(baseline_system(default_retriever().kb), questions)
        click.echo(report("privacybot answering (overview, silence, retrieval with abstention)", results[name]))
        click.echo(report("baseline: BM25 over title x2 + body, plain tokens, no abstention", base))
        if show_misses:
            for miss in results[name]["misses"]:
                click.echo(f"  miss: {json.dumps(miss, ensure_ascii=False)}")
    click.echo("\n" + side_by_side(results))


@eval_group.command("nlu")
@click.option("--no-baseline", is_flag=True, help="Skip training and scoring the rasa init baseline.")
@click.option("--folds", default=3, show_default=True, help="Folds of `rasa test nlu` cross-validation (0: skip).")
@click.option("--show-misses", is_flag=True, help="List the messages of the development sets triaged wrongly.")
@pass_ctx
def eval_nlu(ctx: Ctx, no_baseline: bool, folds: int, show_misses: bool) -> None:
    """Right recognition on the held-out, real-world-style, German and development sets, against Rasa's default
    pipeline."""
    from bot.devtools.nlu_eval import (
        EVAL_SETS,
        by_kind,
        cross_validate,
        entity_report,
        load_entities,
        load_heldout,
        report,
        score,
        score_entities,
        side_by_side,
    )
    from bot.devtools.training import BASELINE_CONFIG_FILE
    from bot.devtools.training import train as do_train
    from bot.devtools.triager import Triager

    sets = {spec.name: load_heldout(spec.path) for spec in EVAL_SETS if spec.path.exists()}
    items = sets["heldout"]
    model, _ = run_step(lambda: do_train(ctx.settings.model_dir))
    ours = Triager(model)
    results = {name: score(lambda t: ours.triage(t).rights, its) for name, its in sets.items()}
    click.echo(report("privacybot (bot/config.yml), held-out set: whole message + clauses", results["heldout"]))
    click.echo("privacybot (bot/config.yml), every set (before: the model before issue #15)")
    click.echo(side_by_side(results))
    for name, result in results.items():
        if result["kinds"]:
            click.echo(f"  {name}: exact set by kind")
            click.echo(by_kind(result))
    click.echo(entity_report(score_entities(lambda t: ours.parse(t)["entities"], load_entities())))
    if show_misses:  # development sets only: the held-out sets' messages are never shown
        for spec in EVAL_SETS:
            for miss in results.get(spec.name, {}).get("misses", []) if spec.dev else []:
                click.echo(f"  miss ({spec.name}): {json.dumps(miss, ensure_ascii=False)}")
    whole_only = Triager(model, split_clauses=False)
    click.echo(
        report(
            "privacybot, held-out set, whole message only (multi-intents, no clause splitting)",
            score(lambda t: whole_only.triage(t).rights, items),
            detail=False,
        )
    )
    if not no_baseline:
        base_model, _ = run_step(lambda: do_train(ctx.settings.model_dir, config=BASELINE_CONFIG_FILE, nlu_only=True))
        base = Triager(base_model)
        click.echo(
            report(
                "baseline: rasa init default pipeline, same data, held-out set, whole message + clauses",
                score(lambda t: base.triage(t).rights, items),
            )
        )
    if folds:
        out = ctx.settings.data_dir / "eval" / "nlu-cross-validation"
        intents = run_step(lambda: cross_validate(folds, out))
        click.echo(
            f"rasa test nlu --cross-validation --folds {folds} (training data): intent accuracy "
            f"{intents['accuracy']:.3f}, macro-F1 {intents['macro avg']['f1-score']:.3f}; report in {out}"
        )
