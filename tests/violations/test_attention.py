"""Every legal clock reaches the lists that say what needs doing: the head's and the
inspector's home page (near or past the limit) and the dashboard (past it, by unit)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.violations.conftest import report_about
from violations.models import Report


def _detected(days_ago: int, *, by, subject) -> Report:
    report = report_about(subject, by=by, confidential=False)
    Report.objects.filter(pk=report.pk).update(seen_at=timezone.now() - datetime.timedelta(days=days_ago))
    return report


@pytest.fixture
def late_and_soon(cast, colleague):
    """A công chức's case detected 120 days ago (past 90), and one 85 days ago (due soon)."""
    return _detected(120, by=colleague, subject=cast.staff), _detected(85, by=colleague, subject=cast.staff)


@pytest.mark.parametrize(("who", "sees"), [
    ("unit_head", True), ("inspector", True), ("staff", False), ("administrator", False), ("outsider", False),
])  # fmt: skip
def test_the_home_page_lists_the_cases_near_and_past_their_legal_limit(client, cast, late_and_soon, who, sees):
    late, soon = late_and_soon
    client.force_login(getattr(cast, who))

    page = client.get(reverse("home")).content.decode()

    assert (f'href="/violations/{late.pk}/">Hồ sơ #{late.pk}</a>' in page) is sees
    assert (f'href="/violations/{soon.pk}/">Hồ sơ #{soon.pk}</a>' in page) is sees
    assert ("Thời hạn xử lý kỷ luật (90 ngày)" in page) is sees
    assert ("(đã quá hạn theo luật)" in page) is sees
    assert page.count("(đã quá hạn theo luật)") == (1 if sees else 0)


def test_a_case_far_from_its_limit_is_not_on_the_home_page(client, cast, colleague):
    quiet = _detected(10, by=colleague, subject=cast.staff)
    client.force_login(cast.unit_head)

    page = client.get(reverse("home")).content.decode()

    assert f"Hồ sơ #{quiet.pk}</a>" not in page


def test_the_dashboard_counts_the_cases_past_their_legal_limit_by_unit(client, cast, org, late_and_soon):
    office_person = cast.inspector  # a case about someone of the office, past its limit too
    _detected(200, by=cast.staff, subject=office_person)
    client.force_login(cast.administrator)

    page = client.get(reverse("reports:dashboard")).content.decode()

    assert "Hồ sơ quá thời hạn theo luật, theo đơn vị" in page
    assert "<tr><td>Tổ Báo chí</td><td>1</td></tr>" in page
    assert "<tr><td>Văn phòng Sở</td><td>1</td></tr>" in page


def test_the_legal_clocks_cost_the_dashboard_no_query_per_case(
    client, cast, colleague, late_and_soon, django_assert_max_num_queries
):
    client.force_login(cast.inspector)
    with django_assert_max_num_queries(60) as few:
        client.get(reverse("reports:dashboard"))
    for days in range(100, 120):
        _detected(days, by=colleague, subject=cast.staff)

    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("reports:dashboard"))
