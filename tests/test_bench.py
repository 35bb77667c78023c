"""The benchmark's own arithmetic and safety: percentiles, summaries, localhost only, the report files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.bench.harness import LoadResult, Sample, check_local, question_pool
from bot.bench.report import percentile, save, summarise, table


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
