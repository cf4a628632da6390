""" "Việc cần làm" holds each role's work (issue 16, item 5)."""

import datetime

from django.utils import timezone

from tests.directives.seeds import TAX_LETTER, import_seed
from tests.factories import PersonFactory
from violations import services, workflow
from violations.models import Report, State


def report_about_staff(cast, org, reporter="dongnghiep@example.gov.vn"):
    colleague = PersonFactory(email=reporter, full_name="Ngô Đồng Nghiệp", unit=org.office)
    return services.report_create(
        by=colleague, subject=cast.staff, category="insult", platform="facebook",
        seen_at=timezone.now() - datetime.timedelta(hours=2), description="Bình luận xúc phạm đồng nghiệp.",
        confidential=False, files=[],
    )  # fmt: skip


def home(client, person) -> str:
    client.force_login(person)
    return client.get("/").content.decode()


def test_a_head_sees_the_new_cases_waiting_for_review(client, cast, org):
    report_about_staff(cast, org)

    page = home(client, cast.unit_head)

    assert '<a href="/violations/?state=submitted">1 phản ánh mới chờ xem xét</a>' in page


def test_a_head_sees_the_cases_near_or_past_their_review_deadline_soonest_first(client, cast, org, settings):
    settings.VIOLATION_REMIND_DAYS_BEFORE = 2
    today = timezone.localdate()
    late, soon, later = (report_about_staff(cast, org, f"dongnghiep{n}@example.gov.vn") for n in range(3))
    for case, days in ((late, -1), (soon, 2), (later, 3)):
        Report.objects.filter(pk=case.pk).update(review_due_on=today + datetime.timedelta(days=days))

    page = home(client, cast.unit_head)

    late_line = f'<a href="/violations/{late.pk}/">Hồ sơ #{late.pk}</a> (Tổ Báo chí): hạn xem xét'
    soon_line = f'<a href="/violations/{soon.pk}/">Hồ sơ #{soon.pk}</a> (Tổ Báo chí): hạn xem xét'
    assert late_line in page and soon_line in page
    assert page.index(late_line) < page.index(soon_line)
    assert page.split(late_line)[1].split("</li>")[0].endswith("<strong>(đã quá hạn)</strong>")
    assert "đã quá hạn" not in page.split(soon_line)[1].split("</li>")[0]
    assert f'href="/violations/{later.pk}/"' not in page
    assert f'href="/violations/{late.pk}/"' not in home(client, cast.staff)


def test_the_person_reported_sees_the_explanation_asked_of_them_until_they_give_it(client, cast, org):
    case = report_about_staff(cast, org)
    for to in (State.UNDER_REVIEW, State.HEARING):
        services.report_transition(report=case, to=to, by=cast.unit_head, role=workflow.REVIEWER, note="Đã xác minh.")

    asked = home(client, cast.staff)
    services.report_explain(report=case, by=cast.staff, text="Tôi xin rút kinh nghiệm.")
    answered = home(client, cast.staff)

    line = f'<a href="/violations/{case.pk}/">Hồ sơ #{case.pk}: đơn vị đề nghị bạn giải trình</a>'
    assert line in asked
    assert line not in answered


def test_an_administrator_sees_the_drafts_to_publish_and_the_way_to_import(client, cast, org):
    import_seed(TAX_LETTER, owner_unit=org.agency, by=cast.administrator, publish=False)

    page = home(client, cast.administrator)

    assert "Bản nháp chờ ban hành: 3821/TCT-KTNB</a>" in page
    assert '<a href="/directives/import/">Nhập văn bản mới</a>' in page
    assert "Hiện không có việc nào cần bạn xử lý." not in page


def test_a_staff_member_with_nothing_to_do_is_told_so(client, cast):
    page = home(client, cast.staff)

    assert "Hiện không có việc nào cần bạn xử lý." in page
    assert "Nhập văn bản mới" not in page
