"""Inspectors open cases from their monitoring (Hạ Lang letter §3): routed to the
right unit head like any report and never to the person reported, recorded on the
monitoring channel, listed for the inspector who opened them, and opened only by
inspectors over the unit."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from organization.models import Role
from tests.factories import PersonFactory, RoleGrantFactory
from tests.violations.conftest import png_upload, report_about
from violations import selectors, services
from violations.models import Channel, Report

NEW = reverse("violations:monitoring_new")


def seen_at():
    return (timezone.localtime() - datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")


def found(**fields) -> dict:
    """What an inspector found: a Facebook post with a screenshot."""
    return {
        "category": "state_secrets", "platform": "facebook", "url": "https://facebook.com/p/123",
        "seen_at": seen_at(), "description": "Bài đăng có ảnh văn bản mật của Phòng.", "files": [png_upload()],
        **fields,
    }  # fmt: skip


def monitoring_case(by, **fields):
    values = {
        "category": "insult", "platform": "tiktok", "seen_at": timezone.now() - datetime.timedelta(hours=1),
        "description": "Bình luận xúc phạm trên TikTok.", **fields,
    }  # fmt: skip
    return services.report_create_monitoring(by=by, **values)


@pytest.fixture
def far_inspector(org):
    """An inspector over the other agency only."""
    inspector = PersonFactory(
        email="thanhtrakhac@example.gov.vn", full_name="Mai Thanh Tra Khác", unit=org.other_agency
    )
    RoleGrantFactory(person=inspector, role=Role.INSPECTOR, unit=org.other_agency)
    return inspector


# Routing


def test_an_inspector_opens_a_case_about_a_known_person_and_the_head_is_emailed(
    client, cast, org, django_capture_on_commit_callbacks
):
    client.force_login(cast.inspector)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(NEW, found(subject_email="CANBO@example.gov.vn"))

    report = Report.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("violations:detail", args=[report.pk])
    assert (report.channel, report.reporter, report.subject) == ("monitoring", cast.inspector, cast.staff)
    assert (report.unit, report.review_unit) == (org.team, org.team)
    assert report.url == "https://facebook.com/p/123" and report.evidence.count() == 1
    assert report.rule_set is not None and report.staff_kind == cast.staff.staff_kind
    # The department head heads the team's parent: the team has no head of its own.
    assert [m.to for m in mail.outbox] == [["truongphong@example.gov.vn"]]
    assert "Phạm Thanh Tra" not in mail.outbox[0].body


def test_a_case_about_the_inspectors_own_unit_head_goes_to_the_unit_above(
    client, cast, org, agency_head, django_capture_on_commit_callbacks
):
    office_head = PersonFactory(email="chanhvanphong@example.gov.vn", full_name="Tạ Chánh Văn Phòng", unit=org.office)
    RoleGrantFactory(person=office_head, role=Role.UNIT_HEAD, unit=org.office)
    client.force_login(cast.inspector)  # works in the office

    with django_capture_on_commit_callbacks(execute=True):
        client.post(NEW, found(subject_email="chanhvanphong@example.gov.vn"))

    report = Report.objects.get()
    assert (report.unit, report.review_unit) == (org.office, org.agency)
    assert [m.to for m in mail.outbox] == [["giamdoc@example.gov.vn"]]
    assert selectors.role_for(office_head, report) is None
    client.force_login(office_head)
    assert client.get(reverse("violations:detail", args=[report.pk])).status_code == 404


def test_a_person_only_described_as_the_head_goes_to_the_unit_above(
    client, cast, org, agency_head, django_capture_on_commit_callbacks
):
    client.force_login(cast.inspector)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(NEW, found(
            unit=org.department.pk, subject_description="Trưởng phòng, tài khoản 'Trưởng Bưu Chính'",
            subject_is_head="on",
        ))  # fmt: skip

    report = Report.objects.get()
    assert response.status_code == 302
    assert report.subject is None and report.subject_description.startswith("Trưởng phòng")
    assert (report.channel, report.reporter) == ("monitoring", cast.inspector)
    assert (report.unit, report.review_unit) == (org.department, org.agency)
    assert [m.to for m in mail.outbox] == [["giamdoc@example.gov.vn"]]


def test_a_person_only_described_goes_to_the_head_of_their_unit(cast, org, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report = monitoring_case(cast.inspector, unit=org.team, subject_description="Tài khoản 'Tổ Báo Chí Vui'")

    assert (report.review_unit, report.subject) == (org.team, None)
    assert [m.to for m in mail.outbox] == [["truongphong@example.gov.vn"]]


def test_neither_an_email_nor_a_description_is_refused(client, cast, org):
    client.force_login(cast.inspector)

    page = client.post(NEW, found(unit=org.team.pk)).content.decode()

    assert "hoặc mô tả người đó" in page
    assert not Report.objects.exists()
    with pytest.raises(ValidationError):
        monitoring_case(cast.inspector, unit=org.team)
    with pytest.raises(ValidationError):
        monitoring_case(cast.inspector, subject=cast.inspector)


def test_the_database_takes_a_monitoring_case_only_with_a_reporter_and_no_receipt(cast, org):
    report = monitoring_case(cast.inspector, unit=org.team, subject_description="Người dùng 'ABC'")

    with pytest.raises(IntegrityError), transaction.atomic():
        Report.objects.filter(pk=report.pk).update(reporter=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        Report.objects.filter(pk=report.pk).update(receipt_code="ABCDEFGHJK")


# Scope


def test_the_service_refuses_an_inspector_outside_the_unit_and_anyone_not_an_inspector(cast, org, far_inspector):
    for person in (far_inspector, cast.unit_head, cast.administrator, cast.staff):
        with pytest.raises(PermissionDenied):
            monitoring_case(person, unit=org.team, subject_description="Người dùng 'ABC'")
    assert not Report.objects.exists()


@pytest.mark.parametrize(
    ("who", "page", "posted"),
    [
        ("inspector", 200, 302),
        ("far_inspector", 200, 200),  # their form lists no unit of the agency: nothing is opened
        ("unit_head", 404, 404),
        ("staff", 404, 404),
        ("administrator", 404, 404),
        ("superuser", 200, 302),
        ("anonymous", 302, 302),  # to the log-in page
    ],
)
def test_who_may_open_a_monitoring_case(client, cast, org, far_inspector, who, page, posted):
    if who != "anonymous":
        client.force_login(far_inspector if who == "far_inspector" else getattr(cast, who))

    got = client.get(NEW)
    sent = client.post(NEW, found(unit=org.team.pk, subject_description="Tài khoản 'Tổ Báo Chí Vui'"))

    assert (got.status_code, sent.status_code) == (page, posted)
    assert Report.objects.filter(channel=Channel.MONITORING).exists() is (who in ("inspector", "superuser"))
    if who == "anonymous":
        assert got["Location"].startswith(reverse("account_login"))


def test_an_inspector_cannot_name_someone_outside_their_units(client, cast, far_inspector):
    client.force_login(far_inspector)

    page = client.post(NEW, found(subject_email="canbo@example.gov.vn")).content.decode()

    assert "trong phạm vi giám sát của bạn" in page
    assert not Report.objects.exists()


def test_the_form_lists_only_the_inspectors_units(client, cast, org, far_inspector):
    client.force_login(far_inspector)
    page = client.get(NEW).content.decode()
    assert org.other_agency.name in page and org.department.name not in page

    client.force_login(cast.inspector)
    page = client.get(NEW).content.decode()
    assert org.department.name in page and org.other_agency.name not in page


# The case list


def test_the_inspector_lists_the_monitoring_cases_they_opened(client, cast, org, colleague, second_inspector):
    mine = monitoring_case(cast.inspector, subject=cast.staff)
    theirs = monitoring_case(second_inspector, unit=org.team, subject_description="Tài khoản 'Tổ Báo Chí Vui'")
    staff_report = report_about(cast.staff, by=colleague)
    client.force_login(cast.inspector)

    everything = client.get(reverse("violations:list")).content.decode()
    filtered = client.get(reverse("violations:list"), {"monitoring": "mine"}).content.decode()

    def listed(page, report):
        return f'href="{reverse("violations:detail", args=[report.pk])}"' in page

    assert [listed(everything, r) for r in (mine, theirs, staff_report)] == [True, True, True]
    assert [listed(filtered, r) for r in (mine, theirs, staff_report)] == [True, False, False]
    assert "Chỉ hồ sơ giám sát tôi đã mở" in everything
    assert f'href="{NEW}"' in everything


def test_the_filter_shows_nothing_to_someone_who_opened_no_monitoring_case(client, cast, colleague):
    report_about(cast.staff, by=colleague)
    client.force_login(cast.unit_head)

    page = client.get(reverse("violations:list"), {"monitoring": "mine"}).content.decode()

    assert "Không có hồ sơ nào." in page
    assert "Chỉ hồ sơ giám sát tôi đã mở" not in page and f'href="{NEW}"' not in page


def test_the_head_reviews_a_monitoring_case_and_sees_who_opened_it(client, cast):
    report = monitoring_case(cast.inspector, subject=cast.staff)
    client.force_login(cast.unit_head)

    page = client.get(reverse("violations:detail", args=[report.pk])).content.decode()

    assert "Giám sát của tổ kiểm tra" in page and "Phạm Thanh Tra" in page
    assert selectors.role_for(cast.unit_head, report) == "reviewer"


# The public reporting page linked from the log-in page and the footer; heads' home page


def test_the_log_in_page_and_the_footer_link_the_anonymous_channel(client, cast):
    anonymous = f'href="{reverse("violations:anonymous")}"'

    login_page = client.get(reverse("account_login")).content.decode()
    client.force_login(cast.staff)
    home_page = client.get(reverse("home")).content.decode()

    assert login_page.count(anonymous) == 2  # the page's own link and the footer's
    assert "Phản ánh vi phạm ẩn danh, không cần tài khoản" in login_page
    footer = home_page.split('<footer class="site-footer">', 1)[1]
    assert anonymous in footer and "Phản ánh ẩn danh (không cần đăng nhập)" in footer
    assert client.get(reverse("violations:anonymous")).status_code == 200


def test_the_head_sees_pending_permission_requests_on_the_home_page_with_their_age(client, cast):
    from social import services as social_services
    from social.models import PostRequest

    request = social_services.post_request_submit(
        by=cast.staff, text="Chi cục tổ chức hội nghị đối thoại với người nộp thuế.", platform="facebook",
        account="Trang Facebook của Phòng", planned_at=timezone.now() + datetime.timedelta(days=1),
    )  # fmt: skip
    PostRequest.objects.filter(pk=request.pk).update(waiting_since=timezone.now() - datetime.timedelta(days=3))
    link = f'href="{reverse("social:request", args=[request.pk])}"'

    client.force_login(cast.unit_head)
    head_home = client.get(reverse("home")).content.decode()
    client.force_login(cast.staff)
    author_home = client.get(reverse("home")).content.decode()
    client.force_login(cast.outsider)
    outsider_home = client.get(reverse("home")).content.decode()

    assert "Đề nghị đăng tin chờ quyết định" in head_home and link in head_home
    assert "đã chờ 3 ngày" in head_home and "Lê Thị Cán Bộ" in head_home
    assert link not in author_home and "Đề nghị đăng tin chờ quyết định" not in author_home
    assert link not in outsider_home


def test_the_anonymous_page_shows_the_reporting_contacts_of_the_top_unit(client, cast, org):
    from social import services as social_services

    assert "Đầu mối tiếp nhận phản ánh" not in client.get(reverse("violations:anonymous")).content.decode()
    social_services.contacts_set(
        unit=org.agency, by=cast.administrator, hotline="0799.116.888", email="thanhtra@sotttt.gov.vn",
        inspectorate="Thanh tra Sở Thông tin và Truyền thông",
    )  # fmt: skip

    page = client.get(reverse("violations:anonymous")).content.decode()

    assert "Đầu mối tiếp nhận phản ánh" in page
    assert 'href="tel:0799116888"' in page and "0799.116.888" in page
    assert 'href="mailto:thanhtra@sotttt.gov.vn"' in page and "Thanh tra Sở Thông tin và Truyền thông" in page
