"""Who is shown what of a case, in the places the mutation run of violations.selectors
found untested (tests/MUTATION.md): the inspectors' queue of anonymous reports, who is
told when a legal time limit has passed, which evidence the person reported sees, and
the inspector's own monitoring cases. Expected values come from the requirement
(README, "Discipline and denunciations"), written out by hand."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from organization.models import Role
from tests.factories import PersonFactory, RoleGrantFactory
from tests.violations.conftest import png_upload, report_about
from violations import denunciations, selectors, services
from violations.models import Event, IdentityHandler, Report


def anonymous_report(unit, *, description, opened_on):
    report, _code, _secret = services.report_create_anonymous(
        unit=unit, subject_description="Một cán bộ của đơn vị", category="insult", platform="facebook",
        seen_at=timezone.now() - datetime.timedelta(hours=2), description=description,
    )  # fmt: skip
    opened = timezone.make_aware(datetime.datetime.combine(opened_on, datetime.time(0)))
    Report.objects.filter(pk=report.pk).update(created_at=opened)
    return report


@pytest.fixture
def queue(cast, org, colleague):
    """Anonymous reports in the agency (two open, one closed), one in another agency,
    and a staff report: only the open anonymous ones in scope are the queue."""
    later = anonymous_report(org.team, description="Bình luận xúc phạm", opened_on=datetime.date(2026, 3, 5))
    earlier = anonymous_report(org.office, description="Đăng tin sai", opened_on=datetime.date(2026, 3, 2))
    dismissed = anonymous_report(org.department, description="Không rõ", opened_on=datetime.date(2026, 3, 1))
    Report.objects.filter(pk=dismissed.pk).update(state="dismissed")
    elsewhere = anonymous_report(org.other_agency, description="Ở sở khác", opened_on=datetime.date(2026, 3, 3))
    report_about(cast.staff, by=colleague)
    return {"later": later, "earlier": earlier, "elsewhere": elsewhere}


def descriptions(reports) -> list[str]:
    return [report.description for report in reports]


def test_an_inspector_queues_the_open_anonymous_reports_of_their_agency_oldest_first(cast, queue):
    assert descriptions(selectors.inspection_queue(cast.inspector)) == ["Đăng tin sai", "Bình luận xúc phạm"]


def test_a_superuser_queues_the_open_anonymous_reports_of_every_agency(cast, queue):
    assert descriptions(selectors.inspection_queue(cast.superuser)) == [
        "Đăng tin sai",
        "Ở sở khác",
        "Bình luận xúc phạm",
    ]


def test_people_who_are_not_inspectors_have_no_queue(cast, queue):
    for person in (cast.unit_head, cast.staff, cast.administrator, cast.outsider):
        assert descriptions(selectors.inspection_queue(person)) == []


def test_an_inspector_over_a_department_queues_only_its_reports(cast, org, queue):
    department_inspector = PersonFactory(email="thanhtraphong@example.gov.vn", unit=org.department)
    RoleGrantFactory(person=department_inspector, role=Role.INSPECTOR, unit=org.department)

    assert descriptions(selectors.inspection_queue(department_inspector)) == ["Bình luận xúc phạm"]


def test_the_inspection_page_lists_the_queue(client, cast, queue):
    client.force_login(cast.inspector)

    page = client.get("/violations/inspection/")

    assert page.status_code == 200
    listed = [case.pk for case in page.context["cases"]]
    assert listed == [queue["earlier"].pk, queue["later"].pk]
    assert f"/violations/{queue['earlier'].pk}/" in page.content.decode()


def emails(people) -> list[str]:
    return [person.email for person in people]


def test_a_passed_limit_goes_to_the_heads_of_the_unit_above_the_review_unit(cast, org, colleague):
    team_head = PersonFactory(email="totruong@example.gov.vn", unit=org.team)
    RoleGrantFactory(person=team_head, role=Role.UNIT_HEAD, unit=org.team)
    deputy = PersonFactory(email="phophong@example.gov.vn", unit=org.department)
    RoleGrantFactory(person=deputy, role=Role.UNIT_HEAD, unit=org.department)
    # About the head of the team: reviewed by the department, told above it to the agency,
    # which nobody heads: the inspectors are told instead.
    about_team_head = report_about(team_head, by=colleague)
    assert about_team_head.review_unit == org.department
    assert emails(selectors.heads_above(about_team_head)) == ["thanhtra@example.gov.vn"]

    # With a head of the agency, they are told, and the inspectors are not.
    agency_head = PersonFactory(email="giamdoc@example.gov.vn", unit=org.agency)
    RoleGrantFactory(person=agency_head, role=Role.UNIT_HEAD, unit=org.agency)
    assert emails(selectors.heads_above(about_team_head)) == ["giamdoc@example.gov.vn"]

    # About the staff member: reviewed by the team, told to the heads of the department
    # (and those above them), in the order of their addresses.
    about_staff = report_about(cast.staff, by=colleague)
    assert about_staff.review_unit == org.team
    assert emails(selectors.heads_above(about_staff)) == [
        "giamdoc@example.gov.vn",
        "phophong@example.gov.vn",
        "truongphong@example.gov.vn",
    ]


def test_a_passed_limit_on_a_case_reviewed_at_the_top_goes_to_the_inspectors(cast, org, colleague):
    about_head = report_about(cast.unit_head, by=colleague)
    assert about_head.review_unit == org.agency

    assert emails(selectors.heads_above(about_head)) == ["thanhtra@example.gov.vn"]


def test_a_passed_limit_on_a_case_nobody_reviews_goes_to_the_inspectors(cast, org):
    top_head = PersonFactory(email="giamdoc@example.gov.vn", unit=org.agency)
    RoleGrantFactory(person=top_head, role=Role.UNIT_HEAD, unit=org.agency)
    about_top_head = report_about(top_head, by=cast.staff)
    assert about_top_head.review_unit is None

    assert emails(selectors.heads_above(about_top_head)) == ["thanhtra@example.gov.vn"]


def files_seen_by_the_person_reported(report, person) -> list[str]:
    history = selectors.history_for(report, "subject", viewer=person)
    return sorted(event.actor.email for event in history if event.kind == Event.Kind.FILE)


def test_the_person_reported_sees_the_files_of_a_reporter_who_asked_for_no_confidentiality(cast, colleague):
    report = report_about(cast.staff, by=colleague, confidential=False, files=[png_upload()])

    assert files_seen_by_the_person_reported(report, cast.staff) == ["dongnghiep@example.gov.vn"]


def test_the_person_reported_sees_the_reviewers_files_but_not_a_confidential_reporters(cast, case):
    services.evidence_add(report=case, by=cast.unit_head, files=[png_upload("bien-ban.png")])

    assert files_seen_by_the_person_reported(case, cast.staff) == ["truongphong@example.gov.vn"]


def test_an_inspectors_own_cases_are_the_monitoring_cases_they_opened_not_their_reports(cast, org):
    report_about(cast.staff, by=cast.inspector, confidential=False, description="Báo cáo như một cán bộ")
    services.report_create_monitoring(
        by=cast.inspector, category="insult", platform="facebook",
        seen_at=timezone.now() - datetime.timedelta(hours=1), description="Phát hiện khi giám sát",
        subject=cast.staff,
    )  # fmt: skip

    assert descriptions(selectors.monitoring_opened_by(cast.inspector)) == ["Phát hiện khi giám sát"]


@pytest.fixture
def handler(cast, org):
    """A member of staff designated to handle denunciations for the department and for
    the office, with no grant of their own."""
    person = PersonFactory(email="xuly@example.gov.vn", full_name="Mai Xử Lý", unit=org.office)
    for unit in (org.department, org.office):
        IdentityHandler.objects.create(unit=unit, person=person, granted_by=cast.administrator)
    return person


def test_a_designated_handler_sees_the_cases_of_every_unit_they_handle_and_no_other(cast, org, colleague, handler):
    about_staff = report_about(cast.staff, by=colleague, description="Trong tổ")
    in_office = anonymous_report(org.office, description="Trong văn phòng", opened_on=datetime.date(2026, 3, 2))
    anonymous_report(org.other_agency, description="Ở sở khác", opened_on=datetime.date(2026, 3, 3))

    assert sorted(descriptions(selectors.reports_visible_to(handler))) == ["Trong tổ", "Trong văn phòng"]
    assert selectors.is_handler(handler, about_staff) is True
    assert selectors.role_for(handler, in_office) == "reviewer"


def test_nobody_else_is_a_handler_not_even_a_handler_about_themselves(cast, org, colleague, handler):
    about_handler = report_about(handler, by=colleague, description="Về người xử lý")
    about_staff = report_about(cast.staff, by=colleague)

    assert selectors.is_handler(handler, about_handler) is False
    assert selectors.is_handler(AnonymousUser(), about_staff) is False
    assert selectors.is_handler(cast.unit_head, about_staff) is False
    assert "Về người xử lý" not in descriptions(selectors.reports_visible_to(handler))


def test_an_inspector_monitors_only_the_units_they_inspect_not_those_they_head(cast, org):
    inspector = PersonFactory(email="thanhtraphong@example.gov.vn", unit=org.department)
    RoleGrantFactory(person=inspector, role=Role.INSPECTOR, unit=org.department)
    RoleGrantFactory(person=inspector, role=Role.UNIT_HEAD, unit=org.office)

    assert [unit.name for unit in selectors.monitoring_units_for(inspector)] == ["Phòng Bưu chính", "Tổ Báo chí"]


def test_an_anonymous_case_is_escalated_to_every_inspector_over_its_unit(org):
    # The first account of the test (on a fresh SQLite database its id is 1): an
    # anonymous case names nobody, and no inspector is left out for it.
    first = PersonFactory(email="thanhtra1@example.gov.vn", unit=org.office)
    RoleGrantFactory(person=first, role=Role.INSPECTOR, unit=org.agency)
    second = PersonFactory(email="thanhtra2@example.gov.vn", unit=org.office)
    RoleGrantFactory(person=second, role=Role.INSPECTOR, unit=org.agency)
    report = anonymous_report(org.team, description="Bình luận xúc phạm", opened_on=datetime.date(2026, 3, 5))

    assert emails(selectors.inspectors_of(report)) == ["thanhtra1@example.gov.vn", "thanhtra2@example.gov.vn"]


def files_in(history) -> list[str]:
    return sorted(event.actor.email for event in history if event.kind == Event.Kind.FILE)


def test_the_reporter_reads_their_own_files_in_the_history_but_not_the_reviewers(cast, colleague):
    report = report_about(cast.staff, by=colleague, confidential=False, files=[png_upload()])
    services.evidence_add(report=report, by=cast.unit_head, files=[png_upload("bien-ban.png")])
    Report.objects.filter(pk=report.pk).update(state="hearing")

    assert files_in(selectors.history_for(report, "reporter", viewer=colleague)) == ["dongnghiep@example.gov.vn"]


def test_the_history_is_read_in_one_query_with_its_actors(cast, colleague, django_assert_num_queries):
    report = report_about(cast.staff, by=colleague, confidential=False, files=[png_upload()])

    with django_assert_num_queries(1):
        history = selectors.history_for(report, "reporter", viewer=colleague)
        shown = [event.shown_actor.email for event in history]

    assert shown == ["dongnghiep@example.gov.vn", "dongnghiep@example.gov.vn"]


def test_each_move_in_the_history_carries_the_names_of_both_states(cast, case):
    services.report_transition(report=case, to="under_review", by=cast.unit_head, role="reviewer")

    history = selectors.history_for(case, "reviewer", viewer=cast.unit_head)

    assert [(e.kind, e.from_label, e.to_label) for e in history] == [
        ("created", "", "Mới tiếp nhận"),
        ("file", "", ""),
        ("transition", "Mới tiếp nhận", "Đang xem xét"),
    ]


def test_the_reviewer_and_the_inspector_read_who_reported_when_no_confidentiality_was_asked(cast, colleague):
    report = report_about(cast.staff, by=colleague, confidential=False)

    for role, viewer in (("reviewer", cast.unit_head), ("inspector", cast.inspector)):
        history = selectors.history_for(report, role, viewer=viewer)
        assert [(e.kind, e.shown_actor.email) for e in history] == [("created", "dongnghiep@example.gov.vn")]


def test_a_visitor_who_is_not_signed_in_has_no_role_and_owns_no_line(case):
    visitor = AnonymousUser()

    assert selectors.role_for(visitor, case) is None
    assert selectors.is_reporter(visitor, case) is False
    assert [selectors.own_event(visitor, case, event) for event in case.events.order_by("id")] == [False, False]


def test_a_person_reported_who_becomes_head_above_is_not_told_of_their_own_case(cast, org, colleague):
    about_staff = report_about(cast.staff, by=colleague)
    RoleGrantFactory(person=cast.staff, role=Role.UNIT_HEAD, unit=org.agency)

    assert emails(selectors.heads_above(about_staff)) == ["truongphong@example.gov.vn"]


def test_an_anonymous_case_is_reviewed_and_escalated_by_every_head_over_it(org):
    # The first account of the test (id 1 on a fresh SQLite database): an anonymous
    # case names nobody, and no head is left out for it.
    first = PersonFactory(email="truongphong1@example.gov.vn", unit=org.department)
    RoleGrantFactory(person=first, role=Role.UNIT_HEAD, unit=org.department)
    report = anonymous_report(org.team, description="Bình luận xúc phạm", opened_on=datetime.date(2026, 3, 5))
    assert report.review_unit == org.team

    assert emails(selectors.reviewers_of(report)) == ["truongphong1@example.gov.vn"]
    assert emails(selectors.heads_above(report)) == ["truongphong1@example.gov.vn"]


def test_an_inspector_queues_only_the_units_they_inspect_not_those_they_head(cast, org, queue):
    department_inspector = PersonFactory(email="thanhtraphong@example.gov.vn", unit=org.department)
    RoleGrantFactory(person=department_inspector, role=Role.INSPECTOR, unit=org.department)
    RoleGrantFactory(person=department_inspector, role=Role.UNIT_HEAD, unit=org.office)

    assert descriptions(selectors.inspection_queue(department_inspector)) == ["Bình luận xúc phạm"]


def test_the_queue_reads_its_cases_with_their_units_in_one_query(cast, queue, django_assert_num_queries):
    cases = selectors.inspection_queue(cast.inspector)

    with django_assert_num_queries(1):
        assert [case.unit.name for case in cases] == ["Văn phòng Sở", "Tổ Báo chí"]


def detected_on_5_january(report):
    """The violation detected on Monday 5/1/2026: the 90-day limit ends on Monday 6/4."""
    seen = timezone.make_aware(datetime.datetime(2026, 1, 5, 9))
    Report.objects.filter(pk=report.pk).update(seen_at=seen, violated_on=datetime.date(2026, 1, 5))


def test_a_limit_needs_attention_from_the_given_number_of_days_before_it_ends(cast, colleague):
    detected_on_5_january(report_about(cast.staff, by=colleague))

    def attention(today):
        found = selectors.with_legal_clocks(Report.objects.all(), today, within_days=7)
        return [(clock.code, clock.due_on, clock.days_left) for _case, clock in found]

    assert attention(datetime.date(2026, 3, 29)) == []
    assert attention(datetime.date(2026, 3, 30)) == [("discipline", datetime.date(2026, 4, 6), 7)]
    assert attention(datetime.date(2026, 4, 7)) == [("discipline", datetime.date(2026, 4, 6), -1)]


def test_the_legal_clocks_of_many_cases_take_the_same_five_queries_as_one(cast, org, colleague):
    detected_on_5_january(report_about(cast.staff, by=colleague))
    selectors.with_legal_clocks(Report.objects.all(), datetime.date(2026, 3, 30))  # reads the calendar once
    with CaptureQueriesContext(connection) as one:
        selectors.with_legal_clocks(Report.objects.all(), datetime.date(2026, 3, 30), within_days=7)

    IdentityHandler.objects.create(unit=org.department, person=cast.unit_head, granted_by=cast.administrator)
    for denouncer in ("Bùi Văn Tố", "Hà Thị Cáo"):
        denunciations.denunciation_create(
            by=cast.unit_head, subject=cast.staff, denouncer_name=denouncer, denouncer_address="12 Lê Lợi, Huế",
            received_on=datetime.date(2026, 2, 12), category="false_information", platform="facebook",
            description="Đăng tin sai sự thật.",
        )  # fmt: skip
    detected_on_5_january(report_about(cast.staff, by=colleague))
    with CaptureQueriesContext(connection) as four:
        found = selectors.with_legal_clocks(Report.objects.all(), datetime.date(2026, 3, 30), within_days=7)

    # Not accepted within 7 working days of 12/2 (Tết): overdue since 2/3, so first.
    assert [(case.channel, clock.code, clock.due_on) for case, clock in found] == [
        ("denunciation", "accept", datetime.date(2026, 3, 2)),
        ("denunciation", "accept", datetime.date(2026, 3, 2)),
        ("staff", "discipline", datetime.date(2026, 4, 6)),
        ("staff", "discipline", datetime.date(2026, 4, 6)),
    ]
    assert (len(one), len(four)) == (5, 5)


def test_a_confidential_reporter_reads_their_own_lines_marked_as_theirs_and_nobody_else_does(cast, colleague, case):
    services.report_transition(report=case, to="under_review", by=cast.unit_head, role="reviewer")
    services.report_transition(report=case, to="needs_information", by=cast.unit_head, role="reviewer")
    services.report_message(report=case, by=colleague, text="Bổ sung: ảnh chụp lúc 9 giờ.")

    mine = [(e.kind, e.yours) for e in selectors.history_for(case, "reporter", viewer=colleague)]
    theirs = [(e.kind, e.yours) for e in selectors.history_for(case, "reviewer", viewer=cast.unit_head)]

    assert mine == [
        ("created", True),
        ("file", True),
        ("transition", False),
        ("transition", False),
        ("message", True),
        ("transition", True),  # their answer sent the case back for review
    ]
    assert theirs == [
        ("created", False),
        ("file", False),
        ("transition", False),
        ("transition", False),
        ("message", False),
        ("transition", False),
    ]


def test_a_person_reported_who_becomes_a_head_over_their_case_does_not_review_it(cast, org, colleague):
    about_staff = report_about(cast.staff, by=colleague)
    RoleGrantFactory(person=cast.staff, role=Role.UNIT_HEAD, unit=org.department)

    assert emails(selectors.reviewers_of(about_staff)) == ["truongphong@example.gov.vn"]


def test_a_visitor_who_is_not_signed_in_monitors_nothing(org):
    assert selectors.may_monitor(AnonymousUser()) is False
    assert selectors.may_monitor(AnonymousUser(), org.team) is False


def test_the_case_page_gets_the_case_with_everything_it_shows_in_one_go(cast, colleague):
    report = report_about(cast.staff, by=colleague, confidential=False)
    measure = report.rule_set.measures.first()
    Report.objects.filter(pk=report.pk).update(state="closed", outcome=measure.code, measure=measure)

    selectors.get_report_for(cast.unit_head, report.pk)  # the head's grants, read once per request
    with CaptureQueriesContext(connection) as getting:
        case, role = selectors.get_report_for(cast.unit_head, report.pk)

    with CaptureQueriesContext(connection) as reading:
        shown = (
            case.unit.name, case.review_unit.name, case.subject.email, case.reporter.email, case.rule_set.code,
            case.measure.rule_set.code,
        )  # fmt: skip
    assert role == "reviewer"
    assert shown[:4] == ("Tổ Báo chí", "Tổ Báo chí", "canbo@example.gov.vn", "dongnghiep@example.gov.vn")
    assert shown[4] == shown[5] == report.rule_set.code
    assert (len(getting), len(reading)) == (1, 0)
