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
    help="Where to write the JSON (default: policy_kb/notice.json; with --lang de policy_kb/notice.de.json).",
)
@click.option(
    "--lang",
    type=click.Choice(["en", "de"]),
    default="en",
    show_default=True,
    help="The notice's language; a German notice is quoted in German replies.",
)
def kb_build(source: Path, out: Path | None, lang: str) -> None:
    """Build the structured knowledge base from SOURCE (.txt, .md or .html)."""
    from bot.kb.build import build
    from bot.kb.model import KB_FILE, KB_FILE_DE

    try:
        built = build(source, lang)
    except (UnicodeDecodeError, ValueError) as exc:
        raise click.ClickException(f"cannot read {source}: {exc}") from None
    if not built.sections:
        raise click.ClickException(f"no sections found in {source}")
    target = out or (KB_FILE_DE if lang == "de" else KB_FILE)
    built.save(target)
    numbered = sum(1 for s in built.sections if s.number)
    click.echo(f"{len(built.sections)} sections ({numbered} numbered) -> {target}")
    if built.dropped_lines:
        click.echo(f"dropped page text: {', '.join(repr(x) for x in built.dropped_lines)}")


@kb.command("fit-weights")
@click.option(
    "--set",
    "question_set",
    type=click.Choice(["dev", "kb-de-dev"]),
    default="dev",
    show_default=True,
    help="The question set to fit on (never the held-out one); kb-de-dev: German questions (WEIGHTS_DE).",
)
@click.option("--folds", type=click.IntRange(2, 20), default=5, show_default=True)
def kb_fit_weights(question_set: str, folds: int) -> None:
    """Fit the weights of the retrieval signals (paste the result into bot/kb/retrieve.py WEIGHTS/WEIGHTS_DE)."""
    import numpy as np

    from bot.devtools.kb_eval import QUESTION_SETS, load_questions
    from bot.devtools.kb_fit import examples as fit_examples
    from bot.devtools.kb_fit import fit, top1
    from bot.kb.retrieve import SIGNALS, WEIGHTS, WEIGHTS_DE, default_retriever

    lang, name, shipped_weights = (
        ("de", "WEIGHTS_DE", WEIGHTS_DE) if question_set == "kb-de-dev" else ("en", "WEIGHTS", WEIGHTS)
    )
    retriever = default_retriever()
    questions = load_questions(QUESTION_SETS[question_set])
    result = fit(retriever, questions, folds=folds, lang=lang)
    shipped = top1(np.array(shipped_weights), fit_examples(retriever, questions, lang))
    click.echo(f"fitted on {result.questions} answerable questions of {QUESTION_SETS[question_set].name}")
    click.echo(f"{name} = {result.weights}  # {', '.join(SIGNALS)}")
    click.echo(f"{folds}-fold cross-validated top-1 (best-ranked section): {result.cv_top1:.3f}")
    click.echo(f"shipped {name} {shipped_weights}: top-1 on the same questions {shipped:.3f} (in-sample)")


@click.command()
@click.argument("question", required=False)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per answer.")
@click.option(
    "--batch",
    type=click.File("r", encoding="utf-8", errors="replace"),
    help="Answer every line of FILE (use - for stdin); one JSON line out per line in.",
)
@click.option(
    "--lang",
    type=click.Choice(["en", "de"]),
    default=None,
    help="The language to reply in (default: the question's).",
)
def ask(question: str | None, as_json: bool, batch: TextIO | None, lang: str | None) -> None:
    """Answer QUESTION from the privacy notice, citing the section."""
    from bot.dialogue.language import detect_language
    from bot.dialogue.questions import answer, question_buttons

    for line in inputs(question, batch, "QUESTION"):
        text = clean_text(line)
        found = answer(text, lang)
        if as_json or batch is not None:
            click.echo(json.dumps(found.to_dict(), ensure_ascii=False))
        else:
            click.echo(found.text)
            for b in question_buttons(found, lang or detect_language([text])):
                click.echo(f"  [{b['title']}]")
