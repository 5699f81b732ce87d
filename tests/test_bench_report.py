"""tests/bench/report.py and the run's summary: the generated block of docs/benchmarks.md and the time budget."""

from __future__ import annotations

import pytest

from tests.bench import __main__ as bench_main
from tests.bench import report

ROW = ("scenario", "`cmd`", "inputs", "figure", "bound", "100% ✓")


@pytest.fixture
def doc(tmp_path, monkeypatch):
    path = tmp_path / "benchmarks.md"
    monkeypatch.setattr(report, "FULL_DOC", path)
    monkeypatch.setattr(report, "QUICK_DOC", tmp_path / "var" / "benchmarks-quick.md")
    monkeypatch.setattr(report, "ROOT", tmp_path)
    monkeypatch.setattr(report, "_tables", {})
    monkeypatch.delenv("BENCH_QUICK", raising=False)
    return path


def block(path) -> str:
    return path.read_text().split(report.BEGIN, 1)[1].split(report.END, 1)[0]


def test_a_run_replaces_only_the_tables_it_measured(doc):
    doc.write_text(f"# Benchmarks\n\nBy hand.\n\n{report.BEGIN}\nstamp\n\n### Old\n\nkept\n\n### A\n\nstale\n"
                   f"{report.END}\n\nAfter.\n")
    report.table("A", "ORDERS orders", [ROW], ORDERS=7)
    report.write()

    text = doc.read_text()
    assert text.startswith("# Benchmarks\n\nBy hand.\n\n") and text.endswith(f"{report.END}\n\nAfter.\n")
    assert "### Old\n\nkept" in block(doc)
    assert "stale" not in text and "7 orders" in block(doc)
    assert "| scenario | `cmd` | inputs | figure | bound | 100% ✓ |" in block(doc)
    assert "load average" in block(doc).splitlines()[1]  # the stamp says how busy the machine was


def test_a_quick_run_leaves_the_full_figures_alone(doc, monkeypatch):
    doc.write_text(f"# Benchmarks\n\n{report.BEGIN}\nstamp\n\n### A\n\nfull figures\n{report.END}\n")
    monkeypatch.setenv("BENCH_QUICK", "1")
    report.table("A", "quick figures", [ROW])
    report.write()

    assert "full figures" in doc.read_text() and "quick figures" not in doc.read_text()
    quick = report.QUICK_DOC.read_text()
    assert "quick figures" in block(report.QUICK_DOC) and "quick, load average" in quick


def test_a_cell_with_a_pipe_does_not_break_the_table(doc):
    report.table("B", "", [("a|b", *ROW[1:])])
    report.write()
    assert "| a\\|b |" in block(doc)


def test_ratio_says_whether_the_bound_holds():
    assert report.ratio(95, 100) == "95% ✗"
    assert report.ratio(100, 100) == "100% ✓"
    assert report.ratio(2.0, 5.0, higher_is_better=False) == "40% ✓"
    assert report.ratio(6.0, 5.0, higher_is_better=False) == "120% ✗"


def test_the_times_table_sums_the_modules_against_the_budget(doc):
    durations = [("bench_a", 300.0, True), ("bench_b", 200.0, False)]
    assert report.times("Duration", "intro", durations, 600, ["load 0.1 → 0.5", "load 0.5 → 1.0"])
    text = report._tables["Duration"]
    assert "| bench_a | `python -m tests.bench a` | load 0.1 → 0.5 | 300 s | – | 60% of the total |" in text
    assert "| 200 s (failed) |" in text
    assert "| all | `make bench` | 2 modules | 500 s | < 600 s | 83% ✓ |" in text

    assert not report.times("Duration", "intro", durations, 450)
    assert "| 500 s | < 450 s | 111% ✗ |" in report._tables["Duration"]


def test_a_whole_run_over_budget_fails_and_names_the_longest_modules(doc, monkeypatch, capsys):
    monkeypatch.setattr(bench_main, "BUDGET_S", 100.0)
    durations = [("bench_a", 30.0, True), ("bench_b", 90.0, True)]
    assert not bench_main.summary(durations, ["", ""], whole=True)
    assert "OVER BUDGET: 120 s > 100 s. Longest: bench_b 90 s, bench_a 30 s." in capsys.readouterr().out
    assert "Duration of the run" in report._tables


def test_a_partial_run_prints_its_times_and_records_no_table(doc, monkeypatch, capsys):
    monkeypatch.setattr(bench_main, "BUDGET_S", 100.0)
    assert bench_main.summary([("bench_a", 130.0, False)], ["load 1.0 → 2.0"], whole=False)
    out = capsys.readouterr().out
    assert "bench_a" in out and "130.0 s" in out and "FAILED" in out and "budget of a whole run: 100 s" in out
    assert report._tables == {}
