"""The head on the case page: a move or a step of the procedure sent incomplete comes
back as the same page with the error summary at the top of that form, "Lỗi: " in the
title, each message on its field saying what to do, what was typed still there, and
nothing written in the case (issue 16, item 2)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.conduct_portal.test_form_errors import assert_tied, errors_of
from violations.models import Decision, Deferral, Extension, Report, ReviewMeeting, State


@pytest.fixture
def head(client, cast):
    client.force_login(cast.unit_head)
    return cast.unit_head


def move(client, case, **data):
    return client.post(reverse("violations:transition", args=[case.pk]), data)


def step(client, case, name, data=None):
    return client.post(reverse("violations:step", args=[case.pk, name]), data or {})


def summary_form_action(page):
    return page.xpath("//*[@data-error-summary]/ancestor::form")[0].get("action")


def unchanged(case, state="submitted", events=2):
    case.refresh_from_db()
    return case.state == state and case.events.count() == events


def test_dismissing_without_a_reason_asks_for_it_on_the_dismissal_form(client, head, case):
    title, entries, page = errors_of(move(client, case, to="dismissed"))

    assert title.startswith("Lỗi: Hồ sơ #")
    assert entries == [("Ghi lý do hủy hồ sơ hoặc kết luận không có vi phạm.", "id_move_dismissed_note")]
    assert_tied(page, "id_move_dismissed_note", "Ghi lý do hủy hồ sơ")
    assert summary_form_action(page).endswith("/transition/")
    assert page.get_element_by_id("id_move_dismissed_to").get("value") == "dismissed"
    assert unchanged(case)


def test_closing_without_a_measure_names_the_list_and_keeps_the_note(client, head, case):
    Report.objects.filter(pk=case.pk).update(state=State.CONFIRMED)

    _title, entries, page = errors_of(move(client, case, to="closed", note="Đã gỡ bài ngay trong ngày."))

    assert entries == [
        ("Chọn biện pháp không phải kỷ luật; nếu cần xét kỷ luật, hãy họp kiểm điểm.", "id_move_closed_outcome")
    ]
    assert_tied(page, "id_move_closed_outcome", "Chọn biện pháp không phải kỷ luật")
    assert page.get_element_by_id("id_move_closed_note").text_content().strip() == "Đã gỡ bài ngay trong ngày."
    assert unchanged(case, state="confirmed")


def test_concluding_before_the_person_is_heard_says_why_and_keeps_the_note(client, head, case):
    Report.objects.filter(pk=case.pk).update(state=State.HEARING)

    _title, entries, page = errors_of(move(client, case, to="confirmed", note="Đúng như phản ánh."))

    assert entries == [("Người bị phản ánh chưa giải trình và thời hạn giải trình chưa hết.", None)]
    assert page.get_element_by_id("id_move_confirmed_note").text_content().strip() == "Đúng như phản ánh."
    assert unchanged(case, state="hearing")


def test_a_move_the_page_no_longer_offers_is_refused_with_a_message(client, head, case):
    response = move(client, case, to="closed", outcome="self_criticism")

    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "Hồ sơ không chuyển được sang bước này; hãy xem lại trạng thái hiện tại của hồ sơ." in page
    assert unchanged(case)


EMPTY_STEPS = [
    (
        "meeting",
        [
            ("Nhập ngày họp kiểm điểm.", "id_meeting_held_on"),
            ("Nhập họ tên người chủ trì cuộc họp.", "id_meeting_chair"),
            ("Ghi thành phần tham dự cuộc họp.", "id_meeting_attendees"),
            ("Tải lên biên bản họp kiểm điểm.", "id_meeting_minutes"),
        ],
    ),
    (
        "council",
        [
            ("Nhập ngày họp Hội đồng.", "id_council_held_on"),
            ("Ghi các thành viên Hội đồng.", "id_council_members"),
            ("Chọn hình thức kỷ luật Hội đồng kiến nghị.", "id_council_recommendation"),
            ("Nhập số phiếu đồng ý.", "id_council_votes_for"),
            ("Nhập số phiếu không đồng ý.", "id_council_votes_against"),
            ("Tải lên biên bản họp Hội đồng.", "id_council_minutes"),
        ],
    ),
    (
        "decision",
        [
            ("Nhập số của quyết định kỷ luật.", "id_decision_number"),
            ("Nhập ngày ký quyết định.", "id_decision_signed_on"),
            ("Nhập họ tên người ký quyết định.", "id_decision_signer"),
            ("Chọn hình thức kỷ luật.", "id_decision_measure"),
            ("Tải lên quyết định đã ký.", "id_decision_document"),
        ],
    ),
    ("notify", [("Nhập ngày thông báo quyết định.", "id_notify_notified_on")]),
    (
        "deferral",
        [
            ("Chọn trường hợp chưa xem xét kỷ luật.", "id_deferral_case"),
            ("Nhập ngày bắt đầu.", "id_deferral_started_on"),
        ],
    ),
    ("deferral_end", [("Nhập ngày tiếp tục xem xét.", "id_deferral_end_ended_on")]),
    (
        "extension",
        [
            ("Chọn thời hạn được gia hạn.", "id_extension_clock"),
            ("Nhập ngày của văn bản gia hạn.", "id_extension_decided_on"),
            ("Nhập số của văn bản gia hạn.", "id_extension_document"),
            ("Ghi lý do gia hạn.", "id_extension_reason"),
        ],
    ),
    ("denouncer", [("Nhập ngày đã thông báo thụ lý cho người tố cáo.", "id_denouncer_notified_on")]),
]


@pytest.mark.parametrize(("name", "expected"), EMPTY_STEPS)
def test_an_empty_step_says_what_to_fill_in_on_its_own_form(client, head, case, name, expected):
    title, entries, page = errors_of(step(client, case, name))

    assert title.startswith("Lỗi: ")
    assert entries == expected
    assert_tied(page, expected[0][1], expected[0][0])
    assert summary_form_action(page).endswith(f"/step/{name}/")
    assert unchanged(case)
    assert not (
        ReviewMeeting.objects.exists() or Decision.objects.exists() or Deferral.objects.exists()
        or Extension.objects.exists()
    )  # fmt: skip


def test_a_meeting_dated_tomorrow_is_refused_on_its_date_and_keeps_what_was_typed(client, head, case):
    Report.objects.filter(pk=case.pk).update(state=State.CONFIRMED)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    _title, entries, page = errors_of(
        step(
            client, case, "meeting",
            {"held_on": tomorrow.isoformat(), "chair": "Trần Văn Chủ Trì", "attendees": "Toàn thể tổ"},
        )
    )  # fmt: skip

    assert entries[0] == ("Ngày này ở tương lai; hãy chọn hôm nay hoặc một ngày đã qua.", "id_meeting_held_on")
    assert_tied(page, "id_meeting_held_on", "Ngày này ở tương lai")
    assert page.get_element_by_id("id_meeting_held_on").get("value") == tomorrow.isoformat()
    assert page.get_element_by_id("id_meeting_chair").get("value") == "Trần Văn Chủ Trì"
    assert page.get_element_by_id("id_meeting_attendees").text_content().strip() == "Toàn thể tổ"
    assert unchanged(case, state="confirmed")
    assert not ReviewMeeting.objects.exists()


def test_only_the_form_sent_back_has_a_summary_and_the_other_forms_stay_empty(client, head, case):
    _title, _entries, page = errors_of(move(client, case, to="dismissed"))

    assert len(page.xpath("//*[@aria-invalid='true']")) == 1
    assert page.get_element_by_id("id_move_under_review_note").text_content().strip() == ""
