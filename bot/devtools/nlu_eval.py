"""Evaluate right recognition: per-right P/R/F1, macro-F1, exact sets, per kind; several sets side by side."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.devtools.training import CONFIG_FILE, DATA_DIR, DOMAIN_FILE
from bot.rights.catalogue import right_ids
from bot.settings import PROJECT_ROOT

EVAL_DIR = PROJECT_ROOT / "tests" / "eval"
HELDOUT_FILE = EVAL_DIR / "nlu_heldout.yml"
ENTITY_FILE = EVAL_DIR / "entities_dev.yml"  # ours: names, dates, references, data categories, emails, codes


@dataclass(frozen=True)
class EvalSet:
    """A set of labelled messages and the figures of the model before issue #15 (macro-F1, exact set).

    A development set (``dev``) is for tuning: its misses may be read; the other sets are measured only.
    """

    name: str
    path: Path
    baseline: tuple[float, float] | None
    dev: bool = False


EVAL_SETS = (
    EvalSet("heldout", HELDOUT_FILE, (0.965, 0.931)),  # written by us, apart from the training data
    EvalSet("realworld", EVAL_DIR / "nlu_realworld.yml", (0.794, 0.638)),  # written by others: measure only
    EvalSet("de", EVAL_DIR / "nlu_de.yml", (0.335, 0.347)),  # German, written by others (issue #18)
    EvalSet("de_dev", EVAL_DIR / "nlu_de_dev.yml", None, dev=True),  # German, by others, for tuning
    EvalSet("en_dev", EVAL_DIR / "nlu_en_dev.yml", None, dev=True),  # English, by others, for tuning
    EvalSet("de_dev2", EVAL_DIR / "nlu_de_dev2.yml", None, dev=True),  # German letters/multi/negatives, blind writer
    EvalSet("en_dev2", EVAL_DIR / "nlu_en_dev2.yml", None, dev=True),  # English letters/multi/negatives, blind writer
    EvalSet("de_dev3", EVAL_DIR / "nlu_de_dev3.yml", None, dev=True),  # German, second blind writer (session 9)
    EvalSet("en_dev3", EVAL_DIR / "nlu_en_dev3.yml", None, dev=True),  # English, second blind writer (session 9)
)


@dataclass(frozen=True)
class Labelled:
    """A message and the rights it asks to exercise."""

    text: str
    rights: frozenset[str]
    kind: str = ""


def load_heldout(path: Path = HELDOUT_FILE) -> list[Labelled]:
    """The labelled messages (under ``messages:`` or a plain list); unknown right ids are an error."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    known = set(right_ids())
    messages = data["messages"] if isinstance(data, dict) else data
    items = [Labelled(m["text"], frozenset(m["rights"]), m.get("kind", "")) for m in messages]
    bad = {r for m in items for r in m.rights} - known
    if bad:
        raise ValueError(f"unknown right ids in {path.name}: {sorted(bad)}")
    return items


def score(predict: Callable[[str], list[str]], items: list[Labelled]) -> dict[str, Any]:
    """Per-right precision/recall/F1, macro-F1, exact-set accuracy and the confusions."""
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    exact = 0
    kinds: dict[str, list[int]] = {}
    confusions: Counter[tuple[str, str]] = Counter()
    misses: list[dict[str, Any]] = []
    for item in items:
        predicted = frozenset(predict(item.text))
        exact += predicted == item.rights
        kinds.setdefault(item.kind, [0, 0])[0] += predicted == item.rights
        kinds[item.kind][1] += 1
        for r in predicted & item.rights:
            tp[r] += 1
        for r in predicted - item.rights:
            fp[r] += 1
        for r in item.rights - predicted:
            fn[r] += 1
        if predicted != item.rights:
            misses.append({"text": item.text, "expected": sorted(item.rights), "got": sorted(predicted)})
            gold = "+".join(sorted(item.rights)) or "none"
            got = "+".join(sorted(predicted)) or "none"
            confusions[(gold, got)] += 1
    per_right = {}
    for r in right_ids():
        p = tp[r] / (tp[r] + fp[r]) if tp[r] + fp[r] else 0.0
        rec = tp[r] / (tp[r] + fn[r]) if tp[r] + fn[r] else 0.0
        f1 = 2 * p * rec / (p + rec) if p + rec else 0.0
        per_right[r] = {"precision": p, "recall": rec, "f1": f1, "support": tp[r] + fn[r]}
    supported = [v["f1"] for v in per_right.values() if v["support"]]
    return {
        "messages": len(items),
        "per_right": per_right,
        "macro_f1": sum(supported) / len(supported) if supported else 0.0,
        "exact_set_accuracy": exact / len(items) if items else 0.0,
        "confusions": confusions.most_common(),
        "kinds": {k: (right, total) for k, (right, total) in sorted(kinds.items()) if k},
        "misses": misses,
    }


def load_entities(path: Path = ENTITY_FILE) -> list[tuple[str, frozenset[tuple[str, str]]]]:
    """Messages and the (entity, value) pairs expected in each."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [(str(m["text"]), frozenset((e, str(v)) for e, v in m["entities"])) for m in data["messages"]]


def score_entities(
    parse: Callable[[str], list[dict[str, Any]]], items: list[tuple[str, frozenset[tuple[str, str]]]]
) -> dict[str, Any]:
    """Micro precision/recall/F1 of (entity, value) pairs and the found/expected count per entity type."""
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    for text, gold in items:
        got = {(str(e["entity"]), str(e["value"])) for e in parse(text)}
        tp.update(e for e, _ in got & gold)
        fp.update(e for e, _ in got - gold)
        fn.update(e for e, _ in gold - got)
    t, f, n = sum(tp.values()), sum(fp.values()), sum(fn.values())
    kinds = sorted(set(tp) | set(fp) | set(fn))
    return {
        "precision": t / (t + f) if t + f else 0.0,
        "recall": t / (t + n) if t + n else 0.0,
        "f1": 2 * t / (2 * t + f + n) if t + f + n else 0.0,
        "per_entity": {k: (tp[k], tp[k] + fn[k], fp[k]) for k in kinds},
    }


def entity_report(result: dict[str, Any]) -> str:
    """One line of entity figures."""
    per = "; ".join(
        f"{k} {found}/{expected} (+{wrong} wrong)" for k, (found, expected, wrong) in result["per_entity"].items()
    )
    return (
        f"entities ({ENTITY_FILE.name}): precision {result['precision']:.3f} recall {result['recall']:.3f} "
        f"F1 {result['f1']:.3f} | {per}"
    )


def report(name: str, result: dict[str, Any], detail: bool = True) -> str:
    """A printable block of figures."""
    lines = [
        f"{name}",
        f"  messages: {result['messages']}   macro-F1: {result['macro_f1']:.3f}   "
        f"exact-set accuracy: {result['exact_set_accuracy']:.3f}",
    ]
    if detail:
        lines.append(f"  {'right':<20}{'precision':>10}{'recall':>10}{'F1':>10}{'support':>10}")
        for right, m in result["per_right"].items():
            lines.append(f"  {right:<20}{m['precision']:>10.3f}{m['recall']:>10.3f}{m['f1']:>10.3f}{m['support']:>10}")
        if result["confusions"]:
            lines.append("  confusions (expected -> predicted: count):")
            lines.extend(f"    {gold} -> {got}: {n}" for (gold, got), n in result["confusions"])
    return "\n".join(lines)


def cross_validate(folds: int, out: Path) -> dict[str, Any]:
    """`rasa test nlu --cross-validation` on the training data; its intent report."""
    cmd = [sys.executable, "-m", "rasa", "test", "nlu", "--config", str(CONFIG_FILE), "--domain", str(DOMAIN_FILE)]
    cmd += ["--nlu", str(DATA_DIR / "nlu"), "--cross-validation", "--folds", str(folds), "--out", str(out)]
    subprocess.run(cmd, check=True, capture_output=True, text=True)
    report: dict[str, Any] = json.loads((out / "intent_report.json").read_text())
    return report


def side_by_side(results: dict[str, dict[str, Any]]) -> str:
    """One line per evaluation set: messages, macro-F1 and exact set now and before issue #15."""
    lines = [f"  {'set':<16}{'messages':>9}{'macro-F1':>10}{'(before)':>10}{'exact set':>11}{'(before)':>10}"]
    for spec in EVAL_SETS:
        if spec.name in results:
            r = results[spec.name]
            before = [f"{b:>10.3f}" for b in spec.baseline] if spec.baseline else [f"{'-':>10}"] * 2
            name = f"{spec.name} (dev)" if spec.dev else spec.name
            lines.append(
                f"  {name:<16}{r['messages']:>9}{r['macro_f1']:>10.3f}{before[0]}"
                f"{r['exact_set_accuracy']:>11.3f}{before[1]}"
            )
    return "\n".join(lines)


def by_kind(result: dict[str, Any]) -> str:
    """Exact-set accuracy per kind of message (sets whose items name a ``kind``)."""
    rows = result["kinds"].items()
    return "\n".join(f"    {kind:<28}{right / total:>7.3f}  ({right}/{total})" for kind, (right, total) in rows)
