"""An inspector who sends the legal-hold form incomplete or with a case outside their
units gets it back with the error summary, each message on its field, what they typed
kept, and no hold placed (issue 16, item 2)."""

from django.urls import reverse

from privacy.models import LegalHold
from tests.conduct_portal.test_form_errors import assert_tied, errors_of
from tests.factories import PersonFactory
from tests.violations.conftest import report_about


def test_an_empty_hold_asks_for_the_case_number_and_the_reason(client, cast):
    client.force_login(cast.inspector)

    title, entries, page = errors_of(client.post(reverse("privacy:holds"), {}))

    assert title.startswith("Lỗi: Giữ lại hồ sơ")
    assert entries == [
        ("Nhập số hồ sơ cần giữ lại, ví dụ: 125.", "id_hold_report"),
        ("Hãy ghi lý do giữ lại hồ sơ (thanh tra, khiếu nại, vụ án…).", "id_hold_reason"),
    ]
    assert_tied(page, "id_hold_reason", "Hãy ghi lý do giữ lại hồ sơ")
    assert page.xpath("//form[@novalidate]//*[@data-error-summary]")
    assert not LegalHold.objects.exists()


def test_a_case_outside_the_inspectors_units_is_refused_on_its_number_and_the_reason_stays(client, cast, org):
    foreign = PersonFactory(email="khac@example.gov.vn", unit=org.other_agency)
    case = report_about(foreign, by=PersonFactory(email="baocao@example.gov.vn", unit=org.other_agency))
    client.force_login(cast.inspector)

    _title, entries, page = errors_of(
        client.post(reverse("privacy:holds"), {"report": str(case.pk), "reason": "Thanh tra đang xác minh."})
    )

    assert entries == [("Không tìm thấy hồ sơ số này trong phạm vi của bạn.", "id_hold_report")]
    assert_tied(page, "id_hold_report", "Không tìm thấy hồ sơ số này")
    assert page.get_element_by_id("id_hold_reason").text_content().strip() == "Thanh tra đang xác minh."
    assert not LegalHold.objects.exists()


def test_a_number_with_letters_says_it_takes_digits_only(client, cast):
    client.force_login(cast.inspector)

    _title, entries, page = errors_of(client.post(reverse("privacy:holds"), {"report": "#12a", "reason": "Vụ án."}))

    assert entries == [("Số hồ sơ chỉ gồm chữ số, ví dụ: 125.", "id_hold_report")]
    assert page.get_element_by_id("id_hold_report").get("value") == "#12a"
