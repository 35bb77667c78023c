"""`privacybot bench --paired A B`: two targets running side by side, measured in alternation.

This machine's speed drifts by more than the differences worth knowing (the same code's p95 has
moved between 100 and 350 ms within an afternoon). Targets measured one after another each get
the machine of their own minutes; here both targets stay up, and every repeat measures both in
A B, B A, A B ... order, so drift lands on both alike. The comparison is the median over repeats of
the per-repeat throughput ratio, with its range.
"""

from __future__ import annotations

import asyncio
import statistics
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from bot.devtools.bench.harness import CodeMailbox, Load, run_load, warm_up
from bot.devtools.bench.report import AIM_P95_MS, report_header, save, summarise, two_panels
from bot.devtools.bench.targets import Running, load_for, start_target
from bot.runtime.local_stack import free_port

PAIRED_LOADS = (
    Load("20 visitors, 2 s pause", 20, 2.0, rounds=1),
    Load("20 visitors, no pause (saturation)", 20, 0.0, rounds=3, with_requests=False),
)
PACED, SATURATION = (load.name for load in PAIRED_LOADS)


def order_of(names: Sequence[str], repeat: int) -> list[str]:
    """The order in which ``repeat`` measures the targets: as given on even repeats, reversed on odd."""
    return list(names) if repeat % 2 == 0 else list(reversed(names))


def _measure(running: Running, mailbox: CodeMailbox) -> dict[str, Any]:
    rows: dict[str, Any] = {}
    for load in PAIRED_LOADS:
        result = asyncio.run(run_load(running.webhook, load_for(load, running.name), mailbox))
        rows[load.name] = summarise(result) | {"visitors": load.visitors, "pause": load.pause}
    return rows


def _spread(values: list[float]) -> dict[str, float]:
    return {"median": round(statistics.median(values), 2), "min": round(min(values), 2), "max": round(max(values), 2)}


def compare(report: dict[str, Any]) -> dict[str, Any]:
    """Medians and ranges per target, and the per-repeat throughput ratio of the first target to the second."""
    first, second = report["targets"]
    summary: dict[str, Any] = {}
    for name, data in report["targets"].items():
        runs = data["runs"]
        summary[name] = {
            "paced_p95_ms": _spread([run[PACED]["p95_ms"] for run in runs]),
            "paced_p95_within_aim": sum(run[PACED]["p95_ms"] <= AIM_P95_MS for run in runs),
            "saturation_msg_s": _spread([run[SATURATION]["messages_per_second"] for run in runs]),
            "errors": sum(row["errors"] for run in runs for row in run.values()),
        }
    ratios = [
        a[SATURATION]["messages_per_second"] / b[SATURATION]["messages_per_second"]
        for a, b in zip(report["targets"][first]["runs"], report["targets"][second]["runs"], strict=True)
        if b[SATURATION]["messages_per_second"]
    ]
    at_least_1 = sum(r >= 1 for r in ratios)
    summary["throughput_ratio"] = {"of": f"{first} / {second}", **_spread(ratios), "at_least_1": at_least_1}
    return summary


def paired_benchmark(
    model: Path,
    names: tuple[str, str],
    repeats: int,
    workdir: Path,
    out_dir: Path,
    say: Callable[[str], None] = print,
) -> dict[str, Any]:
    """Start both targets, measure them ``repeats`` times in alternation; return (and save) the report."""
    report: dict[str, Any] = report_header() | {"repeats": repeats}
    report["targets"] = {name: {"runs": []} for name in names}
    mailbox = CodeMailbox(free_port())
    mailbox.controller.start()
    try:
        with ExitStack() as stack:
            running: dict[str, Running] = {}
            for name in names:
                say(f"starting {name} ...")
                running[name] = stack.enter_context(start_target(name, model, workdir, mailbox.port))
                asyncio.run(warm_up(running[name].webhook))
            for repeat in range(repeats):
                for name in order_of(names, repeat):
                    rows = _measure(running[name], mailbox)
                    report["targets"][name]["runs"].append(rows)
                    say(
                        f"  repeat {repeat + 1}/{repeats} {name}: p95 {rows[PACED]['p95_ms']} ms at 20 visitors, "
                        f"{rows[SATURATION]['messages_per_second']} msg/s saturated"
                    )
            for name in names:
                report["targets"][name]["peak_rss_mb"] = {
                    k: round(v, 1) for k, v in running[name].memory.peak_mb.items()
                }
    finally:
        mailbox.controller.stop()
    report["summary"] = compare(report)
    json_path, png_path = save(report, out_dir, "paired", plot_paired)
    say(paired_table(report))
    say(f"saved {json_path} and {png_path}")
    return report


def paired_table(report: dict[str, Any]) -> str:
    """The comparison as plain text."""
    summary = report["summary"]
    lines = [f"{'target':<14} {'p95 at 20 (median, range)':<30} {'saturation msg/s (median, range)':<34} errors"]
    for name in report["targets"]:
        p95, sat = summary[name]["paced_p95_ms"], summary[name]["saturation_msg_s"]
        lines.append(
            f"{name:<14} {p95['median']:>6.1f} ({p95['min']:.1f}-{p95['max']:.1f}) ms{'':<11}"
            f"{sat['median']:>6.1f} ({sat['min']:.1f}-{sat['max']:.1f}){'':<16}{summary[name]['errors']:>6}"
        )
    ratio = summary["throughput_ratio"]
    lines.append(
        f"throughput {ratio['of']}: median {ratio['median']:.2f} (range {ratio['min']:.2f}-{ratio['max']:.2f}), "
        f">= 1 in {ratio['at_least_1']} of {report['repeats']} repeats"
    )
    return "\n".join(lines)


def plot_paired(report: dict[str, Any], path: Path) -> Path:
    """Per repeat: p95 at 20 visitors and saturation throughput, one line per target."""
    ratio = report["summary"]["throughput_ratio"]
    title = (
        f"Paired benchmark, {report['date']}, {report['machine']}: throughput {ratio['of']} "
        f"median {ratio['median']:.2f}"
    )
    with two_panels(path, title) as (left, right):
        for name, data in report["targets"].items():
            xs = list(range(1, len(data["runs"]) + 1))
            left.plot(xs, [run[PACED]["p95_ms"] for run in data["runs"]], marker="o", label=name)
            right.plot(xs, [run[SATURATION]["messages_per_second"] for run in data["runs"]], marker="o", label=name)
        left.axhline(AIM_P95_MS, color="grey", linestyle="--", linewidth=1, label=f"aim: p95 {AIM_P95_MS:.0f} ms")
        left.set(xlabel="repeat", ylabel="p95 latency (ms)", title="20 visitors, 2 s pause")
        right.set(xlabel="repeat", ylabel="messages per second", title="Saturation throughput (no pause)")
        for axis in (left, right):
            axis.legend()
            axis.grid(alpha=0.3)
            axis.set_ylim(bottom=0)
    return path
