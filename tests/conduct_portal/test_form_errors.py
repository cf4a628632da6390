"""Errors you cannot miss: each main form, sent empty, comes back with a summary at
the top of the form linking to each field in error, "Lỗi: " before the page title,
and each message tied to its field, in Vietnamese and saying what to do."""

import lxml.html
import pytest
from django.urls import reverse

from acknowledgements.models import Assignment


def errors_of(response):
    """What the user meets: the title, the summary's entries (text, link target),
    and the field each target names, with its aria-invalid and aria-describedby."""
    assert response.status_code == 200
    page = lxml.html.fromstring(response.content.decode())
    summaries = page.xpath("//*[@data-error-summary]")
    assert len(summaries) == 1, "one error summary"
    summary = summaries[0]
    assert summary.get("tabindex") == "-1" and summary.xpath("ancestor::form"), "focusable, inside the form"
    assert summary.xpath(".//h2")[0].text_content().strip() == "Có lỗi cần sửa"
    # Without JavaScript the page opens at its top: a link there leads to the summary.
    notice = page.xpath("//main/p[@class='error-notice']/a")[0]
    assert (notice.get("href"), summary.get("id")) == ("#error-summary", "error-summary")
    entries = []
    for item in summary.xpath(".//li"):
        links = item.xpath(".//a")
        entries.append((item.text_content().strip(), links[0].get("href")[1:] if links else None))
    return page.findtext(".//title"), entries, page


def assert_tied(page, field_id, message):
    """The field is marked invalid and described by the message shown beside it."""
    field = page.get_element_by_id(field_id)
    # A group of radios or checkboxes is described on its fieldset.
    described = field.get("aria-describedby") or field.xpath("ancestor::fieldset")[0].get("aria-describedby", "")
    shown = " ".join(page.get_element_by_id(part).text_content() for part in described.split())
    assert message in shown, f"{field_id} is described by {shown!r}"
    assert field.get("aria-invalid") == "true"


def test_an_empty_acknowledgement_names_the_question_and_the_commitment(client, cast, org, quiz_directive, due_on):
    from acknowledgements import services

    services.campaign_launch(
        directive=quiz_directive, targets=[(org.team, False)], due_on=due_on, by=cast.administrator
    )
    assignment = Assignment.objects.get(person=cast.staff)
    client.force_login(cast.staff)

    title, entries, page = errors_of(client.post(reverse("acknowledgements:read", args=[assignment.pk]), {}))

    assert title.startswith("Lỗi: ")
    assert entries == [
        ("Chọn câu trả lời cho câu hỏi: Được đăng bí mật nhà nước lên mạng xã hội không?", "id_q0_0"),
        ("Hãy đánh dấu cam kết: tôi đã đọc, hiểu và cam kết thực hiện.", "id_commitment"),
    ]
    assert_tied(page, "id_q0_0", "Chọn câu trả lời cho câu hỏi")
    assert_tied(page, "id_commitment", "Hãy đánh dấu cam kết")
    assert page.xpath("//form[@novalidate]//fieldset/legend")[0].text_content().startswith("Được đăng bí mật")


def submit_empty(client, person, url, data=None):
    if person is not None:
        client.force_login(person)
    return errors_of(client.post(url, data or {}))


CASE_FIELDS = [
    ("Chọn loại vi phạm.", "id_category"),
    ("Chọn nền tảng.", "id_platform"),
    ("Nhập thời điểm phát hiện vi phạm.", "id_seen_at"),
    ("Mô tả vi phạm: ai, đăng gì, ở đâu.", "id_description"),
]


@pytest.mark.parametrize(
    ("who", "first"),
    [
        ("staff", ("Nhập e-mail của người bị phản ánh.", "id_subject_email")),
        ("unit_head", ("Chọn người bị phản ánh, hoặc nhập e-mail nếu người đó ở đơn vị khác.", "id_person")),
    ],
)
def test_an_empty_case_says_what_to_fill_in(client, cast, who, first):
    title, entries, page = submit_empty(client, getattr(cast, who), reverse("violations:new"))

    assert title.startswith("Lỗi: ")
    assert entries == [first, *CASE_FIELDS]
    assert_tied(page, first[1], first[0])
    assert_tied(page, "id_category", "Chọn loại vi phạm.")
    assert "Trường này là bắt buộc." not in page.text_content()


def test_an_empty_anonymous_report_says_what_to_fill_in(client, cast):
    title, entries, page = submit_empty(client, None, reverse("violations:anonymous"))

    assert title.startswith("Lỗi: ")
    assert entries[0] == ("Chọn đơn vị của người bị phản ánh.", "id_unit")
    assert entries[-4:] == CASE_FIELDS
    assert_tied(page, "id_unit", "Chọn đơn vị của người bị phản ánh.")


def test_an_empty_monitoring_case_says_what_to_fill_in(client, cast):
    title, entries, _page = submit_empty(client, cast.inspector, reverse("violations:monitoring_new"))

    assert title.startswith("Lỗi: ")
    assert entries == [
        ("Hãy ghi e-mail của người bị phản ánh, hoặc mô tả người đó và chọn đơn vị của họ.", None),
        *CASE_FIELDS,
    ]


def test_a_wrong_quiz_answer_names_the_question(client, cast, org, quiz_directive, due_on):
    from acknowledgements import services

    services.campaign_launch(
        directive=quiz_directive, targets=[(org.team, False)], due_on=due_on, by=cast.administrator
    )
    assignment = Assignment.objects.get(person=cast.staff)

    _title, entries, page = submit_empty(
        client, cast.staff, reverse("acknowledgements:read", args=[assignment.pk]), {"q0": "0", "commitment": "on"}
    )

    message = (
        "Câu trả lời cho câu hỏi “Được đăng bí mật nhà nước lên mạng xã hội không?” chưa đúng. "
        "Hãy đọc lại văn bản và chọn lại."
    )
    assert entries == [(message, "id_q0_0")]
    assert_tied(page, "id_q0_0", message)


def test_a_wrong_signature_password_is_tied_to_the_password_box(client, cast, org, tax_letter, due_on):
    from acknowledgements import services

    services.campaign_launch(
        directive=tax_letter, targets=[(org.team, False)], due_on=due_on, by=cast.administrator, requires_password=True
    )
    assignment = Assignment.objects.get(person=cast.staff)
    url = reverse("acknowledgements:read", args=[assignment.pk])

    _title, empty, _page = submit_empty(client, cast.staff, url)
    _title, wrong, page = submit_empty(client, cast.staff, url, {"commitment": "on", "password": "sai-mat-khau"})

    assert empty[0] == ("Nhập mật khẩu đăng nhập của bạn để ký xác nhận.", "id_password")
    assert wrong == [("Mật khẩu không đúng.", "id_password")]
    assert_tied(page, "id_password", "Mật khẩu không đúng.")


def test_an_empty_import_review_asks_for_the_unit_the_title_and_the_text(client, cast):
    _title, entries, page = submit_empty(client, cast.administrator, reverse("directives:import"), {"review": "1"})

    assert ("Chọn đơn vị quản lý.", "id_owner_unit") in entries
    assert ("Nhập trích yếu (tiêu đề) của văn bản.", "id_subject") in entries
    assert ("Dán hoặc nhập toàn văn của văn bản.", "id_text") in entries
    assert_tied(page, "id_owner_unit", "Chọn đơn vị quản lý.")


def test_an_empty_upload_says_to_choose_a_file_or_paste_text(client, cast):
    title, entries, _page = submit_empty(client, cast.administrator, reverse("directives:import"))

    assert title.startswith("Lỗi: Nhập văn bản")
    assert entries == [("Hãy chọn một tệp hoặc dán nội dung văn bản.", None)]


def test_an_empty_meeting_asks_for_the_directive_time_place_and_chair(client, cast, org, campaign):
    _title, entries, _page = submit_empty(
        client, cast.unit_head, reverse("acknowledgements:meeting_new"), {"units": [org.department.pk]}
    )

    assert entries == [
        ("Chọn ít nhất một văn bản quán triệt.", "id_campaigns_0"),
        ("Nhập ngày giờ buổi quán triệt.", "id_held_at"),
        ("Nhập địa điểm buổi quán triệt.", "id_place"),
        ("Nhập họ tên người chủ trì.", "id_chair"),
    ]


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("social:check", [("Hãy dán nội dung bài viết cần kiểm tra.", "id_text")]),
        (
            "social:request_new",
            [
                ("Hãy nhập nội dung dự kiến đăng.", "id_text"),
                ("Hãy chọn nền tảng sẽ đăng.", "id_platform"),
                ("Hãy ghi tài khoản hoặc trang sẽ đăng.", "id_account"),
                ("Hãy chọn ngày giờ dự kiến đăng.", "id_planned_at"),
            ],
        ),
        (
            "social:incident_new",
            [
                ("Hãy chọn sự việc.", "id_kind"),
                ("Hãy chọn nền tảng.", "id_platform"),
                ("Hãy ghi tên hoặc đường dẫn của tài khoản.", "id_account_name"),
                ("Hãy kể ngắn gọn chuyện gì đã xảy ra.", "id_what_happened"),
                ("Hãy chọn thời điểm phát hiện.", "id_noticed_at"),
            ],
        ),
    ],
)
def test_empty_social_forms_say_what_to_fill_in(client, cast, url, expected):
    title, entries, _page = submit_empty(client, cast.staff, reverse(url))

    assert title.startswith("Lỗi: ")
    assert entries == expected


def selects_of(response):
    """Each select's name, its first option (value, text) and the choices it preselects."""
    page = lxml.html.fromstring(response.content.decode())
    found = {}
    for select in page.xpath("//form[@method='post']//select"):
        options = select.xpath(".//option")
        if not options:
            continue
        first = (options[0].get("value"), options[0].text_content().strip())
        found[select.get("name")] = (
            first,
            [o.get("value") for o in options if o.get("selected") is not None and o.get("value")],
        )
    return found


def test_the_case_forms_preselect_no_category_and_no_platform(client, cast):
    client.force_login(cast.staff)
    staff = selects_of(client.get(reverse("violations:new")))
    client.logout()
    anonymous = selects_of(client.get(reverse("violations:anonymous")))

    for selects in (staff, anonymous):
        assert selects["category"] == (("", "— Chọn loại vi phạm —"), [])
        assert selects["platform"] == (("", "— Chọn nền tảng —"), [])
    assert anonymous["unit"] == (("", "— Chọn đơn vị —"), [])


def test_a_case_with_a_zalo_post_is_not_saved_as_facebook(client, cast):
    """The reporter who touched neither list is told to choose, not recorded as
    "working hours on Facebook"."""
    client.force_login(cast.staff)

    _title, entries, _page = errors_of(
        client.post(
            reverse("violations:new"),
            {"subject_email": cast.unit_head.email, "seen_at": "2026-11-28T08:15", "description": "Bài trên Zalo."},
        )
    )

    assert entries == [("Chọn loại vi phạm.", "id_category"), ("Chọn nền tảng.", "id_platform")]


def test_the_review_form_preselects_no_unit_and_no_kind_when_the_letter_says_none(client, cast):
    client.force_login(cast.administrator)

    selects = selects_of(client.post(reverse("directives:import"), {"review": "1"}))

    assert selects["owner_unit"] == (("", "— Chọn đơn vị quản lý —"), [])
    assert selects["doc_type"] == (("", "— Chọn loại văn bản —"), [])


def test_the_implementation_report_preselects_no_method(client, cast, org, campaign):
    client.force_login(cast.unit_head)

    selects = selects_of(
        client.get(reverse("acknowledgements:report", args=[campaign.directive_id, org.department.pk]))
    )

    assert selects["method"] == (("", "— Chọn —"), [])


@pytest.fixture
def case(cast):
    """A report by the staff member about a colleague in the team, for the unit head."""
    import datetime

    from django.utils import timezone

    from tests.factories import PersonFactory
    from violations import services as violation_services

    colleague = PersonFactory(email="dongnghiep@example.gov.vn", full_name="Ngô Đồng Nghiệp", unit=cast.staff.unit)
    return violation_services.report_create(
        by=cast.staff, subject=colleague, category="insult", platform="zalo",
        seen_at=timezone.now() - datetime.timedelta(hours=3), description="Bình luận xúc phạm trên Zalo.",
    )  # fmt: skip


def test_an_empty_note_on_the_case_page_comes_back_on_its_box(client, cast, case):
    title, entries, page = submit_empty(client, cast.unit_head, reverse("violations:post", args=[case.pk, "note"]))

    assert title.startswith("Lỗi: ")
    assert entries == [("Nhập nội dung.", "id_note_text")]
    assert_tied(page, "id_note_text", "Nhập nội dung.")
    assert page.xpath("//form[contains(@action, '/note/')]//*[@data-error-summary]")


def test_an_empty_classification_says_what_to_choose(client, cast, case):
    _title, entries, _page = submit_empty(
        client, cast.unit_head, reverse("violations:step", args=[case.pk, "classify"])
    )

    assert entries == [
        ("Chọn loại cán bộ của người bị phản ánh.", "id_classify_staff_kind"),
        ("Nhập ngày vi phạm.", "id_classify_violated_on"),
    ]


def test_an_empty_log_in_says_what_to_enter(client, db):
    title, entries, _page = errors_of(client.post(reverse("account_login"), {}))

    assert title.startswith("Lỗi: Đăng nhập")
    assert [message for message, _anchor in entries] == [
        "Nhập địa chỉ thư điện tử của đồng chí.",
        "Nhập mật khẩu.",
    ]
