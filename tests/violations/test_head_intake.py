"""A unit head reports from their units (issue 16 §9): the person picked by name from
the units they head, not typed as an exact e-mail; the directive's obligations as a
checklist under the directive's title; no "keep my identity confidential", since the
head reviews the case."""

import lxml.html
from django.urls import reverse

from violations.models import Report


def form_of(client, person):
    client.force_login(person)
    return lxml.html.fromstring(client.get(reverse("violations:new")).content.decode())


def test_the_head_picks_the_person_from_their_units_by_name(client, cast):
    page = form_of(client, cast.unit_head)

    picker = page.get_element_by_id("id_person")
    groups = {
        group.get("label"): [o.text_content() for o in group.xpath("option")] for group in picker.xpath("optgroup")
    }
    assert picker.xpath("option")[0].text_content() == "— Chọn người —"
    assert "Tổ Báo chí" in groups and any(name.startswith("Lê Thị Cán Bộ") for name in groups["Tổ Báo chí"])
    names = [name for members in groups.values() for name in members]
    assert not any("Trần Văn Trưởng" in name or "Vũ Người Ngoài" in name for name in names)
    assert not page.xpath("//input[@name='confidential']")


def test_staff_still_name_the_person_by_e_mail_and_may_ask_for_confidentiality(client, cast):
    page = form_of(client, cast.staff)

    assert not page.xpath("//*[@name='person']")
    assert page.xpath("//input[@name='subject_email']") and page.xpath("//input[@name='confidential']")


def test_a_head_files_a_case_about_the_person_picked(client, cast):
    client.force_login(cast.unit_head)

    client.post(reverse("violations:new"), {
        "person": cast.staff.pk, "category": "insult", "platform": "zalo", "seen_at": "2026-11-28T08:15",
        "description": "Bình luận xúc phạm đồng nghiệp.",
    })  # fmt: skip

    report = Report.objects.get()
    assert (report.subject, report.confidential) == (cast.staff, False)


def test_a_head_who_names_nobody_is_told_how(client, cast):
    client.force_login(cast.unit_head)

    page = client.post(reverse("violations:new"), {}).content.decode()

    assert "Chọn người bị phản ánh, hoặc nhập e-mail nếu người đó ở đơn vị khác." in page
    assert not Report.objects.exists()


def test_the_obligations_are_a_checklist_under_their_directive(client, cast, tax_letter):
    page = form_of(client, cast.staff)

    boxes = page.xpath("//input[@type='checkbox' and @name='obligations']")
    assert len(boxes) == tax_letter.versions.get().obligations.count()
    group = boxes[0].xpath("ancestor::div[label[not(@for)]][1]/label[not(@for)]")[0].text_content()
    assert group.startswith("3821/TCT-KTNB – ")
    first = page.xpath(f"//label[@for='{boxes[0].get('id')}']")[0].text_content().strip()
    assert first.startswith("1. ") and (first.endswith("…") or not first.endswith(" "))


def test_a_head_who_forges_the_choice_of_someone_outside_their_units_is_refused_on_the_field(client, cast):
    client.force_login(cast.unit_head)

    response = client.post(reverse("violations:new"), {
        "person": cast.outsider.pk, "category": "insult", "platform": "zalo", "seen_at": "2026-11-28T08:15",
        "description": "Bình luận xúc phạm đồng nghiệp.",
    })  # fmt: skip

    page = lxml.html.fromstring(response.content.decode())
    message = page.get_element_by_id("id_person_error").text_content()
    assert "Người này không thuộc các đơn vị đồng chí phụ trách" in message
    assert page.get_element_by_id("id_description").text_content().strip() == "Bình luận xúc phạm đồng nghiệp."
    assert not Report.objects.exists()


def test_the_list_of_people_offers_a_filter_by_name_to_the_browser(client, cast):
    page = form_of(client, cast.unit_head)

    picker = page.get_element_by_id("id_person")
    assert picker.get("data-filter") == "Lọc danh sách theo tên (gõ một phần của tên)"
    assert page.xpath("//script[contains(@src, 'js/select-filter')]")
