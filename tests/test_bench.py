"""The benchmark's own arithmetic and safety: percentiles, summaries, localhost only, the report files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bot.devtools.bench.harness import Load, LoadResult, Sample, check_local, question_pool
from bot.devtools.bench.paired import PACED, SATURATION, compare, order_of, paired_table, plot_paired
from bot.devtools.bench.report import percentile, save, summarise, table
from bot.devtools.bench.targets import load_for


def test_percentiles_interpolate() -> None:
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 50) == pytest.approx(50.5)
    assert percentile(values, 95) == pytest.approx(95.05)
    assert percentile([], 95) == 0.0
    assert percentile([7.0], 99) == 7.0


def test_summary_counts_errors_and_steps() -> None:
    samples = [Sample("greet", 0.0, 0.010, True), Sample("question", 0.0, 0.030, True)]
    samples += [Sample("question", 0.0, 0.050, False, "HTTP 429")]
    row = summarise(LoadResult(samples, wall_seconds=2.0))
    assert row["messages"] == 3 and row["messages_per_second"] == 1.5
    assert row["errors"] == 1 and row["error_kinds"] == ["HTTP 429"] and row["error_rate"] == pytest.approx(0.3333)
    assert row["steps"]["question"]["n"] == 2 and row["steps"]["question"]["p50_ms"] == 30.0  # errors not timed


@pytest.mark.parametrize("url", ["http://example.org/webhooks/rest/webhook", "http://10.0.0.5:5005/"])
def test_only_localhost_is_ever_targeted(url: str) -> None:
    with pytest.raises(ValueError, match="only targets localhost"):
        check_local(url)
    check_local("http://127.0.0.1:5005/webhooks/rest/webhook")


def test_questions_come_from_the_held_out_pool() -> None:
    assert len(question_pool()) >= 150 and len(set(question_pool())) == len(question_pool())


def test_report_files(tmp_path: Path) -> None:
    row = summarise(LoadResult([Sample("greet", 0.0, 0.02, True)], wall_seconds=1.0)) | {"visitors": 1, "pause": 2.0}
    sat = summarise(LoadResult([Sample("greet", 0.0, 0.02, True)] * 4, wall_seconds=1.0)) | {
        "visitors": 4,
        "pause": 0.0,
    }
    report = {
        "date": "2026-11-26",
        "machine": "test",
        "targets": {
            "embedded": {"loads": {"1": row, "sat": sat}, "peak_rss_mb": {"rasa": 1200.0}, "start_seconds": 40}
        },
    }
    json_path, png_path = save(report, tmp_path)
    assert json.loads(json_path.read_text())["targets"]["embedded"]["loads"]["sat"]["messages_per_second"] == 4.0
    assert png_path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "rasa 1200 MB" in table(report)


def paired_run(p95: float, throughput: float, errors: int = 0) -> dict[str, Any]:
    return {
        PACED: {"p95_ms": p95, "messages_per_second": 10.0, "errors": errors},
        SATURATION: {"p95_ms": 400.0, "messages_per_second": throughput, "errors": 0},
    }


def test_paired_targets_alternate_so_drift_hits_both() -> None:
    assert [order_of(("a", "b"), r) for r in range(4)] == [["a", "b"], ["b", "a"], ["a", "b"], ["b", "a"]]


def test_paired_comparison_is_the_median_of_per_repeat_ratios(tmp_path: Path) -> None:
    report: dict[str, Any] = {
        "date": "2026-11-26",
        "machine": "test",
        "repeats": 3,
        "targets": {
            "production-2": {"runs": [paired_run(120, 40), paired_run(160, 30, errors=2), paired_run(100, 50)]},
            "rasa-init": {"runs": [paired_run(50, 38), paired_run(60, 35), paired_run(45, 45)]},
        },
    }
    summary = compare(report)
    ratio = summary["throughput_ratio"]
    assert ratio["of"] == "production-2 / rasa-init"
    assert ratio["median"] == pytest.approx(40 / 38, abs=0.01) and ratio["min"] == pytest.approx(30 / 35, abs=0.01)
    assert ratio["at_least_1"] == 2  # the middle repeat was slower than the baseline
    mine = summary["production-2"]
    assert mine["paced_p95_ms"] == {"median": 120.0, "min": 100.0, "max": 160.0}
    assert mine["paced_p95_within_aim"] == 2 and mine["errors"] == 2
    report["summary"] = summary
    json_path, png_path = save(report, tmp_path, "paired", plot_paired)
    assert json.loads(json_path.read_text())["summary"]["rasa-init"]["saturation_msg_s"]["median"] == 38.0
    assert png_path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert ">= 1 in 2 of 3 repeats" in paired_table(report)


def test_the_starter_bot_gets_chat_only_visitors_and_ours_file_requests_too() -> None:
    load = Load("20 visitors", 20, 2.0)
    assert load_for(load, "rasa-init").with_requests is False
    assert load_for(load, "production-2") == load
    assert load_for(Load("saturation", 20, 0.0, with_requests=False), "embedded").with_requests is False
