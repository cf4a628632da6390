"""The benchmarks' shared report writer: its Markdown is what bench/README.md quotes
and what later runs are compared with, so the format is pinned here to the letter."""

import datetime
import importlib.util
from pathlib import Path

import pytest

BENCHLIB = Path(__file__).resolve().parents[2] / "bench" / "benchlib.py"


@pytest.fixture(scope="module")
def benchlib():
    # bench/ is a folder of scripts, not a package: load the module from its file.
    spec = importlib.util.spec_from_file_location("benchlib", BENCHLIB)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_render_report_two_rows(benchlib):
    text = benchlib.render_report(
        title="Example benchmark",
        command="bench/example.py --people 10",
        table=[
            ["publish: `campaign_launch`", "2,000", "0.102", "0.0", "0.044", "2.33"],
            ["reminder pass", "2,000", "12.5", "≥14.4 (heap 3.0)", "0.071", "176"],
        ],
        notes=["- a note.", benchlib.ratio_legend(tracemalloc=False)],
        machine={"nproc": "2", "PostgreSQL": "15.20"},
        day=datetime.date(2026, 12, 1),
    )
    assert text == (
        "# Example benchmark, 2026-12-01\n"
        "\n"
        "`bench/example.py --people 10`\n"
        "\n"
        "| operation | rows | seconds | peak MB | raw SQL seconds | ratio |\n"
        "|---|---|---|---|---|---|\n"
        "| publish: `campaign_launch` | 2,000 | 0.102 | 0.0 | 0.044 | 2.33 |\n"
        "| reminder pass | 2,000 | 12.5 | ≥14.4 (heap 3.0) | 0.071 | 176 |\n"
        "\n"
        "- a note.\n"
        "- ratio = seconds / raw SQL seconds. Peak MB: how far the process's peak RSS rose above its level "
        "at the start of the step (VmHWM, reset through /proc/self/clear_refs).\n"
        "\n"
        "## Machine\n"
        "\n"
        "- nproc: 2\n"
        "- PostgreSQL: 15.20\n"
    )


def test_render_report_other_header(benchlib):
    text = benchlib.render_report(
        title="Load test",
        command="bench/load.py",
        header=["page", "requests"],
        table=[["home", "10"], ["log-in", "5"]],
        notes=[],
        machine={},
        day=datetime.date(2026, 12, 1),
    )
    assert text == (
        "# Load test, 2026-12-01\n\n`bench/load.py`\n\n| page | requests |\n|---|---|\n| home | 10 |\n| log-in | 5 |\n"
        "\n\n## Machine\n\n"
    )


def test_ratio_legend_with_tracemalloc(benchlib):
    assert benchlib.ratio_legend(tracemalloc=True).endswith(
        "/proc/self/clear_refs); “heap”: tracemalloc's peak of Python allocations (tracing was on and slows Python down)."
    )
