"""The dashboard's charts (issue 16, item 11): 14-unit text on a chart never drawn
narrower than its width, whole labels, a progress line with axes, dates and values,
and each chart described by its table."""

import datetime

from django.urls import reverse

from reports import charts
from tests.reports.test_dashboard import activity  # noqa: F401 (a fixture)

LONG = "Chi cục Thuế khu vực quận Ba Đình và huyện Đông Anh, thành phố Hà Nội"


def test_a_long_label_wraps_onto_lines_of_34_characters_and_loses_nothing():
    lines = charts.wrap(LONG)

    assert lines == ["Chi cục Thuế khu vực quận Ba Đình", "và huyện Đông Anh, thành phố Hà", "Nội"]
    assert " ".join(lines) == LONG


def test_a_word_longer_than_a_line_is_split_rather_than_cut():
    assert charts.wrap("a" * 40) == ["a" * 34, "a" * 6]


def test_each_bar_sits_below_all_the_lines_of_its_label():
    first, second = charts.bars([(LONG, 50), ("Văn phòng", 100)], scale_to=100)

    assert first.line_ys == [14, 32, 50]
    assert first.bar_y == 56 and first.length == 132.0
    assert second.y == 80 and second.line_ys == [94] and second.length == 264.0
    assert charts.height([first, second]) == 118


def test_the_progress_line_has_a_value_axis_a_date_axis_and_its_values():
    days = [(datetime.date(2026, 11, day), count) for day, count in ((20, 1), (21, 3), (24, 4), (25, 8))]

    chart = charts.series(days)

    assert [value for _, value in chart.y_ticks] == [0, 4, 8]
    assert [day for _, day in chart.x_ticks] == [datetime.date(2026, 11, 20), datetime.date(2026, 11, 24),
                                                  datetime.date(2026, 11, 25)]  # fmt: skip
    assert [value for _, _, value in chart.labels] == [1, 4, 8]
    assert chart.points[0] == (44.0, 155.2) and chart.points[-1] == (304.0, 24.0)
    assert (chart.width, chart.height) == (320, 200)


def test_the_dashboard_draws_14_unit_text_and_ties_each_chart_to_its_table(client, cast, org, activity):  # noqa: F811
    org.department.name = LONG
    org.department.save()
    client.force_login(cast.inspector)

    page = client.get(reverse("reports:dashboard")).content.decode()

    assert 'font-size="11"' not in page
    assert page.count('font-size="14"') > 6
    assert f'<text x="0" y="14" font-size="14">{charts.wrap(LONG)[0]}</text>' in page
    for table in ("table-units", "table-progress", "table-category"):
        assert f'aria-describedby="{table}"' in page and f'id="{table}"' in page
    assert 'class="axes"' in page
