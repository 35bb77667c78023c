"""`privacybot bench`: every target, every load level; figures printed and saved."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from bot.devtools.bench.harness import CodeMailbox, Load, run_load, warm_up
from bot.devtools.bench.report import report_header, save, summarise, table
from bot.devtools.bench.targets import load_for, start_target
from bot.runtime.local_stack import free_port

LOADS = (
    Load("1 visitor, 2 s pause", 1, 2.0, rounds=2),
    Load("10 visitors, 2 s pause", 10, 2.0, rounds=2),
    Load("20 visitors, 2 s pause", 20, 2.0, rounds=2),
    Load("50 visitors, 2 s pause", 50, 2.0, rounds=2),
    Load("20 visitors, no pause (saturation)", 20, 0.0, rounds=3, with_requests=False),
)
QUICK_LOADS = (
    Load("5 visitors, 2 s pause", 5, 2.0),
    Load("5 visitors, no pause (saturation)", 5, 0.0, with_requests=False),
)


def benchmark(
    model: Path,
    targets: Sequence[str],
    workdir: Path,
    out_dir: Path,
    quick: bool = False,
    say: Callable[[str], None] = print,
) -> dict[str, Any]:
    """Run the loads against each target in turn; return (and save) the report."""
    report: dict[str, Any] = report_header() | {"targets": {}}
    mailbox = CodeMailbox(free_port())
    mailbox.controller.start()
    try:
        for name in targets:
            say(f"starting {name} ...")
            with start_target(name, model, workdir, mailbox.port) as running:
                say(f"{name}: first reply after {running.start_seconds:.0f} s")
                asyncio.run(warm_up(running.webhook))
                loads: dict[str, Any] = {}
                for load in QUICK_LOADS if quick else LOADS:
                    result = asyncio.run(run_load(running.webhook, load_for(load, name), mailbox))
                    row = summarise(result) | {"visitors": load.visitors, "pause": load.pause}
                    loads[load.name] = row
                    say(
                        f"  {load.name}: {row['messages_per_second']} msg/s, p50 {row['p50_ms']} ms, "
                        f"p95 {row['p95_ms']} ms, p99 {row['p99_ms']} ms, errors {row['errors']}"
                    )
                report["targets"][name] = {
                    "loads": loads,
                    "peak_rss_mb": {k: round(v, 1) for k, v in running.memory.peak_mb.items()},
                    "start_seconds": round(running.start_seconds, 1),
                }
    finally:
        mailbox.controller.stop()
    json_path, png_path = save(report, out_dir)
    say(table(report))
    say(f"saved {json_path} and {png_path}")
    return report
