"""Figures from benchmark samples: percentiles, throughput, errors; the JSON file, the plot, the table."""

from __future__ import annotations

import json
import os
import platform
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bot.clock import system_clock
from bot.devtools.bench.harness import LoadResult, Sample

Plotter = Callable[[dict[str, Any], Path], Path]
AIM_P95_MS = 150.0  # issue #9: p95 at 20 concurrent visitors on this 2-core machine


def report_header() -> dict[str, str]:
    """When and on what a report was measured."""
    return {
        "date": system_clock().strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}",
    }


def percentile(values: list[float], q: float) -> float:
    """The ``q``-th percentile (0-100) by linear interpolation; 0.0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def _latency(samples: list[Sample]) -> dict[str, float]:
    ms = [s.seconds * 1000 for s in samples if s.ok]
    return {
        "p50_ms": round(percentile(ms, 50), 1),
        "p95_ms": round(percentile(ms, 95), 1),
        "p99_ms": round(percentile(ms, 99), 1),
    }


def summarise(result: LoadResult) -> dict[str, Any]:
    """Per load level: messages, throughput, latency percentiles overall and per step, errors."""
    samples = result.samples
    errors = [s for s in samples if not s.ok]
    steps = sorted({s.step for s in samples})
    return {
        "messages": len(samples),
        "messages_per_second": round(len(samples) / result.wall_seconds, 2) if result.wall_seconds else 0.0,
        **_latency(samples),
        "errors": len(errors),
        "error_rate": round(len(errors) / len(samples), 4) if samples else 0.0,
        "error_kinds": sorted({e.error for e in errors}),
        "timed_out": result.timed_out,
        "steps": {
            step: {"n": sum(1 for s in samples if s.step == step), **_latency([s for s in samples if s.step == step])}
            for step in steps
        },
    }


def table(report: dict[str, Any]) -> str:
    """A plain-text table: one line per target and load."""
    lines = [f"{'target':<14} {'load':<30} {'msg/s':>7} {'p50':>7} {'p95':>7} {'p99':>7} {'errors':>6}"]
    for target, data in report["targets"].items():
        for load, row in data["loads"].items():
            lines.append(
                f"{target:<14} {load:<30} {row['messages_per_second']:>7.1f} {row['p50_ms']:>7.1f} "
                f"{row['p95_ms']:>7.1f} {row['p99_ms']:>7.1f} {row['errors']:>6}"
            )
        memory = ", ".join(f"{name} {mb:.0f} MB" for name, mb in sorted(data["peak_rss_mb"].items()))
        lines.append(f"{target:<14} peak RSS: {memory}; first reply after {data['start_seconds']:.0f} s")
    return "\n".join(lines)


def save(report: dict[str, Any], out_dir: Path, name: str = "bench", draw: Plotter | None = None) -> tuple[Path, Path]:
    """Write ``<name>.json`` and ``<name>.png`` (drawn by ``draw``, the bench plot by default) into ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    json_path = out_dir / f"{name}.json"
    json_path.write_text(json.dumps(report, indent=2), encoding="utf-8")
    return json_path, (draw or plot)(report, out_dir / f"{name}.png")


@contextmanager
def two_panels(path: Path, title: str) -> Iterator[tuple[Any, Any]]:
    """A figure of two side-by-side panels, written to ``path`` with ``title`` once the caller has drawn."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.5))
    try:
        yield left, right
        fig.suptitle(title)
        fig.tight_layout()
        fig.savefig(path, dpi=110)
    finally:
        plt.close(fig)


def plot(report: dict[str, Any], path: Path) -> Path:
    """p95 latency over visitors (with pauses) and saturation throughput, per target."""
    with two_panels(path, f"privacybot load benchmark, {report['date']}, {report['machine']}") as (left, right):
        _draw_bench(report, left, right)
    return path


def _draw_bench(report: dict[str, Any], left: Any, right: Any) -> None:
    names, throughput = [], []
    for target, data in report["targets"].items():
        paused = [(row["visitors"], row["p95_ms"]) for row in data["loads"].values() if row["pause"]]
        if paused:
            xs, ys = zip(*sorted(paused), strict=True)
            left.plot(xs, ys, marker="o", label=target)
        saturated = [row["messages_per_second"] for row in data["loads"].values() if not row["pause"]]
        if saturated:
            names.append(target)
            throughput.append(max(saturated))
    left.axhline(AIM_P95_MS, color="grey", linestyle="--", linewidth=1, label=f"aim: p95 {AIM_P95_MS:.0f} ms at 20")
    left.set_yscale("log")
    left.set(
        xlabel="concurrent visitors (2 s pause after each reply)", ylabel="p95 latency (ms, log scale)", title="Latency"
    )
    left.legend()
    left.grid(alpha=0.3)
    right.bar(names, throughput, color="#1d4ed8")
    right.set(ylabel="messages per second", title="Saturation throughput (no pause)")
    for i, value in enumerate(throughput):
        right.text(i, value, f"{value:.1f}", ha="center", va="bottom")
