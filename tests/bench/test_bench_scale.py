"""The arithmetic of bench/bench_scale.py's report (benchlib): literal values, no timing."""

import importlib.util
from pathlib import Path

import pytest

BENCHLIB = Path(__file__).resolve().parents[2] / "bench" / "benchlib.py"


@pytest.fixture(scope="module")
def benchlib():
    spec = importlib.util.spec_from_file_location("benchlib", BENCHLIB)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_sizes_are_sorted_and_accept_underscores(benchlib):
    assert benchlib.sizes("20_000,5000") == [5000, 20000]


@pytest.mark.parametrize("text", ["", "0,10", "-5"])
def test_sizes_refuse_nothing_and_non_positive_sizes(benchlib, text):
    with pytest.raises(ValueError):
        benchlib.sizes(text)


def test_percentile_is_the_nearest_rank(benchlib):
    values = [0.4, 0.1, 0.3, 0.2, 1.0]
    assert benchlib.percentile(values, 0.5) == 0.3
    assert benchlib.percentile(values, 0.95) == 1.0
    assert benchlib.percentile([7.0], 0.5) == 7.0


def test_growth_kb_per_item_between_two_sizes(benchlib):
    # 5,000 → 20,000 recipients, 10 MB → 19.5 MB of peak: 9.5 MB for 15,000 more.
    assert benchlib.growth_kb((5000, 10.0), (20000, 19.5)) == pytest.approx(0.648533, abs=1e-6)
    assert benchlib.growth_kb((5000, 12.0), (20000, 12.0)) == 0.0


def test_growth_kb_needs_two_sizes(benchlib):
    with pytest.raises(ValueError):
        benchlib.growth_kb((5000, 1.0), (5000, 2.0))


def test_verdict_at_most_and_at_least(benchlib):
    assert benchlib.verdict(1.5, 1.5, at_most=True) == "met"
    assert benchlib.verdict(1.51, 1.5, at_most=True) == "missed"
    assert benchlib.verdict(0.49, 0.5, at_most=False) == "missed"
    assert benchlib.verdict(0.5, 0.5, at_most=False) == "met"
    assert benchlib.verdict(None, 2, at_most=True) == "–"


def test_fmt_ratio_two_decimals_below_ten(benchlib):
    assert benchlib.fmt_ratio(1.4666) == "1.47"
    assert benchlib.fmt_ratio(12.6) == "13"
    assert benchlib.fmt_ratio(None) == "–"


@pytest.mark.parametrize(
    ("ratio", "verdict"),
    [(0.72, "pays off"), (0.93, "no difference (±10 %)"), (1.1, "no difference (±10 %)"), (1.19, "costs more")],
)
def test_partition_verdict_within_ten_percent_is_no_difference(benchlib, ratio, verdict):
    assert benchlib.partition_verdict(ratio) == verdict


def test_scale_table_keeps_rows_in_order(benchlib):
    table = benchlib.ScaleTable()
    table.add("CSV", "5,000,000", "58.4", "0.7", "bare COPY", "39.8", "1.47", "≤ 1.5×: met", "13.13 / 12.02 / 10.24")
    table.add("workbook", "5,000,000", "146.9", "0.7", "CSV", "58.4", "2.52", "≤ 3×: met", "13.46 / 12.42 / 10.50")
    assert [row[0] for row in table.rows] == ["CSV", "workbook"]
    assert table.rows[0][6] == "1.47"
    assert table.notes == []


@pytest.fixture(scope="module")
def bench_scale():
    import sys

    sys.path.insert(0, str(BENCHLIB.parent))
    try:
        import bench_scale

        yield bench_scale
    finally:
        sys.path.remove(str(BENCHLIB.parent))


def scope(*, directive=None, start=None, end=None):
    from types import SimpleNamespace

    return SimpleNamespace(unit=SimpleNamespace(code="LOAD"), directive=directive, start=start, end=end)


def test_a_filtered_dashboard_is_asked_for_with_the_directive_and_the_period_in_its_url(bench_scale):
    from datetime import date
    from types import SimpleNamespace

    filters = scope(directive=SimpleNamespace(pk=7), start=date(2026, 11, 2), end=date(2026, 12, 2))

    assert bench_scale.dashboard_url(filters) == "/reports/?unit=LOAD&directive=7&from=2026-11-02&to=2026-12-02"
    assert bench_scale.dashboard_url(scope()) == "/reports/?unit=LOAD"


def test_the_raw_sql_of_a_period_filters_every_statement_and_charts_from_the_detailed_table(bench_scale):
    from datetime import date

    statements = bench_scale.rollup_statements(scope(start=date(2026, 11, 2), end=date(2026, 12, 2)))

    assert all("r.assigned_on >= %(start)s AND r.assigned_on <= %(end)s" in sql for sql in statements.values())
    assert bench_scale.progress_table(statements) == "reports_acknowledgementdaily"


def test_the_raw_sql_of_an_unfiltered_dashboard_charts_from_the_per_unit_table(bench_scale):
    statements = bench_scale.rollup_statements(scope())

    assert not any("{filters}" in sql or "%(directive)s" in sql or "%(start)s" in sql for sql in statements.values())
    assert bench_scale.progress_table(statements) == "reports_acknowledgementunitday"
