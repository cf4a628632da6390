"""Inspectors and unit heads see the state of their units on one page."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from acknowledgements import services as ack_services
from acknowledgements.models import Assignment
from tests.factories import PersonFactory
from violations import services as case_services
from violations import workflow


@pytest.fixture
def activity(cast, org, campaign):
    """Two acknowledged (one late), one overdue in the department; a case in the team."""
    PersonFactory(email="them@example.gov.vn", full_name="Bùi Thêm", unit=org.team)
    ack_services.assignments_sync_person(person=type(cast.staff).objects.get(email="them@example.gov.vn"))
    ack_services.acknowledgement_record(
        assignment=Assignment.objects.get(person=cast.staff), by=cast.staff, request_meta={}
    )
    head = Assignment.objects.get(person=cast.unit_head)
    ack_services.acknowledgement_record(assignment=head, by=cast.unit_head, request_meta={})
    Assignment.objects.filter(pk=head.pk).update(due_on=timezone.localdate() - datetime.timedelta(days=3))
    Assignment.objects.filter(person__email="them@example.gov.vn").update(
        due_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    case = case_services.report_create(
        by=cast.unit_head,
        subject=cast.staff,
        category="insult",
        platform="facebook",
        seen_at=timezone.now(),
        description="x",
    )
    case_services.report_transition(report=case, to="under_review", by=cast.unit_head, role=workflow.REVIEWER)
    return case


def expected_counts(unit_path: str) -> dict:
    """Counted by hand from the stored assignments, not through the selectors."""
    today = timezone.localdate()
    rows = [
        a
        for a in Assignment.objects.select_related("person__unit")
        if a.closed_at is None and a.person.unit.path.startswith(unit_path)
    ]
    done = [a for a in rows if a.acknowledged_at]
    return {
        "targeted": len(rows),
        "acknowledged": len(done),
        "on_time": sum(timezone.localtime(a.acknowledged_at).date() <= a.due_on for a in done),
        "late": sum(timezone.localtime(a.acknowledged_at).date() > a.due_on for a in done),
        "pending": len(rows) - len(done),
        "overdue": sum(a.due_on < today for a in rows if not a.acknowledged_at),
    }


def test_the_inspector_sees_the_numbers_the_records_hold(client, cast, org, activity):
    client.force_login(cast.inspector)

    response = client.get(reverse("reports:dashboard"))

    summary = response.context["summary"]
    assert vars(summary.total) == expected_counts(org.agency.path) == {
        "targeted": 3, "acknowledged": 2, "on_time": 1, "late": 1, "pending": 1, "overdue": 1,
    }  # fmt: skip
    assert [(unit.code, vars(counts)) for unit, counts in summary.by_unit] == [
        ("PBC", expected_counts(org.department.path))
    ]
    assert summary.violations_by["category"] == [("Xúc phạm danh dự, nhân phẩm người khác", 1)]
    assert summary.violations_by["state"] == [("Đang xem xét", 1)]
    page = response.content.decode()
    assert "Phòng Bưu chính" in page and "<svg" in page and "Tỷ lệ đã xác nhận theo đơn vị" in page


def test_the_rollup_shows_each_child_unit_with_its_whole_subtree(client, cast, org, activity):
    client.force_login(cast.inspector)

    summary = client.get(reverse("reports:dashboard"), {"unit": "PBC"}).context["summary"]

    assert [(unit.code, counts.targeted) for unit, counts in summary.by_unit] == [("PBC", 1), ("TBC", 2)]


def test_units_without_an_implementation_report_are_listed(client, cast, org, activity):
    client.force_login(cast.inspector)

    summary = client.get(reverse("reports:dashboard")).context["summary"]

    assert [(d.code, u.code) for d, u in summary.missing_reports] == [("3821/TCT-KTNB", "PBC")]


def test_a_case_past_its_review_deadline_is_counted(client, cast, activity):
    type(activity).objects.filter(pk=activity.pk).update(
        review_due_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    client.force_login(cast.inspector)

    assert client.get(reverse("reports:dashboard")).context["summary"].overdue_cases == 1


def test_the_page_issues_a_fixed_number_of_queries(client, cast, org, activity, django_assert_max_num_queries):
    client.force_login(cast.inspector)
    # 26, and 6 for the cases past their legal time limit (the cases, their deferrals,
    # extensions, rule clocks, the denunciation clocks, the calendar's swapped days).
    with django_assert_max_num_queries(32) as few:
        client.get(reverse("reports:dashboard"))
    for n in range(25):
        ack_services.assignments_sync_person(person=PersonFactory(email=f"x{n}@example.gov.vn", unit=org.team))
        case_services.report_create(
            by=cast.unit_head,
            subject=cast.staff,
            category="other",
            platform="zalo",
            seen_at=timezone.now(),
            description="x",
        )

    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("reports:dashboard"))


def test_filters_stay_in_the_url_and_narrow_the_numbers(client, cast, org, activity, tax_letter):
    client.force_login(cast.inspector)

    later = client.get(
        reverse("reports:dashboard"), {"from": (timezone.localdate() + datetime.timedelta(days=1)).isoformat()}
    )
    by_directive = client.get(reverse("reports:dashboard"), {"directive": tax_letter.pk})

    assert later.context["summary"].total.targeted == 0
    assert by_directive.context["summary"].total.targeted == 3


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("staff", 403),
        ("outsider", 404),
        ("unit_head", 404),
        ("inspector", 200),
        ("administrator", 200),
        ("superuser", 200),
    ],
)
def test_who_opens_the_agencys_dashboard(client, cast, org, activity, who, status):
    client.force_login(getattr(cast, who))

    assert client.get(reverse("reports:dashboard"), {"unit": "STTTT"}).status_code == status


def test_a_unit_head_sees_their_own_subtree(client, cast, activity):
    client.force_login(cast.unit_head)

    summary = client.get(reverse("reports:dashboard")).context["summary"]

    assert summary.filters.unit.code == "PBC" and summary.total.targeted == 3


def test_the_inspector_downloads_each_export_and_each_is_logged(client, cast, activity):
    import io
    import json

    import openpyxl

    from reports.models import ExportLog

    client.force_login(cast.inspector)
    query = {"unit": "STTTT"}

    csv_body = b"".join(client.get(reverse("reports:export", args=["assignments", "csv"]), query).streaming_content)
    workbook = openpyxl.load_workbook(
        io.BytesIO(b"".join(client.get(reverse("reports:export", args=["summary", "xlsx"]), query).streaming_content))
    )
    pdf = client.get(reverse("reports:export", args=["summary", "pdf"]), query)
    numbers = json.loads(client.get(reverse("reports:export", args=["summary", "json"]), query).content)

    assert csv_body.startswith(b"\xef\xbb\xbf") and "Lê Thị Cán Bộ" in csv_body.decode("utf-8-sig")
    assert "Cán bộ" in workbook.sheetnames
    assert pdf.content.startswith(b"%PDF") and pdf["Content-Disposition"].startswith("attachment")
    assert numbers["totals"]["targeted"] == 3
    assert ExportLog.objects.filter(person=cast.inspector).count() == 4
    assert ExportLog.objects.first().filters["unit"] == "STTTT"


def test_an_inspector_cannot_export_another_agency(client, cast, activity):
    client.force_login(cast.inspector)

    response = client.get(reverse("reports:export", args=["assignments", "csv"]), {"unit": "STP"})

    assert response.status_code == 404


def test_an_unknown_export_is_404(client, cast, activity):
    client.force_login(cast.inspector)

    assert client.get(reverse("reports:export", args=["everything", "zip"])).status_code == 404
