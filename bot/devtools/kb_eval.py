"""Evaluate answering on a held-out question set: accuracy, abstention, latency; with a baseline."""

from __future__ import annotations

import re
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from rank_bm25 import BM25Okapi

from bot.kb.answer import answer_question
from bot.kb.model import KnowledgeBase
from bot.kb.retrieve import Retriever
from bot.settings import PROJECT_ROOT

QUESTION_SETS = {
    "heldout": PROJECT_ROOT / "tests" / "eval" / "kb_heldout.yml",  # reported figures; never tuned on
    "dev": PROJECT_ROOT / "tests" / "eval" / "kb_dev.yml",  # used while tuning
}

# A system maps a question to (ranked section ids, abstained).
System = Callable[[str], tuple[list[str], bool]]


@dataclass(frozen=True)
class EvalQuestion:
    """A question and the sections that answer it (none: the notice does not)."""

    text: str
    sections: tuple[str, ...]


def load_questions(path: Path = QUESTION_SETS["heldout"]) -> list[EvalQuestion]:
    """The held-out questions."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [EvalQuestion(q["q"], tuple(str(s) for s in q["sections"])) for q in data["questions"]]


def shipped_system(retriever: Retriever) -> System:
    """The assistant's answering: lemmas, concepts, typo repair, two BM25 indexes, abstention."""

    def run(question: str) -> tuple[list[str], bool]:
        answer = answer_question(question, retriever)
        ranked = ([answer.section.id] if answer.section else []) + [s.id for s, _ in answer.alternatives]
        return ranked, answer.abstained

    return run


def baseline_system(kb: KnowledgeBase) -> System:
    """The naive baseline: BM25 over title x2 + body, lower-case word tokens, never abstains."""

    def tokens(text: str) -> list[str]:
        return re.findall(r"\w+", text.lower())

    index = BM25Okapi([tokens(s.title) * 2 + tokens(s.text) for s in kb.sections])
    ids = [s.id for s in kb.sections]

    def run(question: str) -> tuple[list[str], bool]:
        scores = index.get_scores(tokens(question))
        order = sorted(range(len(ids)), key=lambda i: -scores[i])
        return [ids[i] for i in order[:3]], False

    return run


def evaluate(system: System, questions: list[EvalQuestion]) -> dict[str, Any]:
    """Top-1/top-3 accuracy on answerable questions, abstention rates, latency in ms."""
    answerable = [q for q in questions if q.sections]
    unanswerable = [q for q in questions if not q.sections]
    top1 = ranked1 = top3 = false_abstain = true_abstain = 0
    latencies: list[float] = []
    misses: list[dict[str, Any]] = []
    for q in questions:
        started = time.perf_counter()
        ranked, abstained = system(q.text)
        latencies.append((time.perf_counter() - started) * 1000)
        if not q.sections:
            true_abstain += abstained
            if not abstained:
                misses.append({"q": q.text, "expected": "abstain", "got": ranked[:1]})
            continue
        if abstained:
            false_abstain += 1
        if not abstained and ranked[:1] and ranked[0] in q.sections:
            top1 += 1
        else:
            misses.append(
                {
                    "q": q.text,
                    "expected": list(q.sections),
                    "got": ranked[:3],
                    "abstained": abstained,
                }
            )
        if ranked[:1] and ranked[0] in q.sections:
            ranked1 += 1
        if set(ranked[:3]) & set(q.sections):
            top3 += 1
    latencies.sort()
    n = len(answerable) or 1
    return {
        "questions": len(questions),
        "answerable": len(answerable),
        "unanswerable": len(unanswerable),
        "top1": top1 / n,
        "top1_ranking": ranked1 / n,
        "top3": top3 / n,
        "false_abstention": false_abstain / n,
        "abstention_on_unanswerable": true_abstain / (len(unanswerable) or 1),
        "latency_ms": {
            "p50": statistics.median(latencies),
            "p95": latencies[max(0, int(0.95 * len(latencies)) - 1)],
            "max": latencies[-1],
        },
        "misses": misses,
    }


def report(name: str, result: dict[str, Any]) -> str:
    """A printable block of figures."""
    lat = result["latency_ms"]
    return (
        f"{name}\n"
        f"  questions: {result['questions']} ({result['answerable']} answerable, "
        f"{result['unanswerable']} not answered by the notice)\n"
        f"  top-1 accuracy: {result['top1']:.3f} (abstaining counts as wrong; best-ranked section alone: "
        f"{result['top1_ranking']:.3f})   top-3 accuracy: {result['top3']:.3f}\n"
        f"  abstained on answerable: {result['false_abstention']:.3f}   "
        f"abstained on unanswerable: {result['abstention_on_unanswerable']:.3f}\n"
        f"  latency per question: p50 {lat['p50']:.2f} ms, p95 {lat['p95']:.2f} ms, max {lat['max']:.2f} ms"
    )
