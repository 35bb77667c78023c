"""The knowledge base commands: building it from the notice, fitting its weights, answering questions."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TextIO

import click

from bot.cli.common import inputs
from bot.inputs import clean_text


@click.group()
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

    from bot.devtools.kb_eval import QUESTION_SETS, load_questions
    from bot.devtools.kb_fit import examples as fit_examples
    from bot.devtools.kb_fit import fit, top1
    from bot.kb.retrieve import SIGNALS, WEIGHTS, default_retriever

    retriever = default_retriever()
    questions = load_questions(QUESTION_SETS[question_set])
    result = fit(retriever, questions, folds=folds)
    shipped = top1(np.array(WEIGHTS), fit_examples(retriever, questions))
    click.echo(f"fitted on {result.questions} answerable questions of {QUESTION_SETS[question_set].name}")
    click.echo(f"WEIGHTS = {result.weights}  # {', '.join(SIGNALS)}")
    click.echo(f"{folds}-fold cross-validated top-1 (best-ranked section): {result.cv_top1:.3f}")
    click.echo(f"shipped WEIGHTS {WEIGHTS}: top-1 on the same questions {shipped:.3f} (in-sample)")


@click.command()
@click.argument("question", required=False)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per answer.")
@click.option(
    "--batch",
    type=click.File("r", encoding="utf-8", errors="replace"),
    help="Answer every line of FILE (use - for stdin); one JSON line out per line in.",
)
def ask(question: str | None, as_json: bool, batch: TextIO | None) -> None:
    """Answer QUESTION from the privacy notice, citing the section."""
    from bot.dialogue.questions import question_buttons
    from bot.kb.answer import answer_question

    for line in inputs(question, batch, "QUESTION"):
        answer = answer_question(clean_text(line))
        if as_json or batch is not None:
            click.echo(json.dumps(answer.to_dict(), ensure_ascii=False))
        else:
            click.echo(answer.text)
            for b in question_buttons(answer):
                click.echo(f"  [{b['title']}]")
