"""Staff read and acknowledge; unit heads see who has not; administrators launch."""

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from pypdf import PdfReader

from acknowledgements import services
from acknowledgements.models import Acknowledgement, Assignment, ImplementationReport
from tests.acknowledgements.conftest import tamper


def test_staff_see_their_pending_directives_with_due_dates(client, cast, campaign):
    client.force_login(cast.staff)

    page = client.get(reverse("acknowledgements:mine")).content.decode()

    assert "3821/TCT-KTNB – chấn chỉnh việc dùng mạng xã hội" in page
    assert "Chờ xác nhận" in page


def test_overdue_directives_are_marked(client, cast, campaign):
    Assignment.objects.filter(person=cast.staff).update(due_on=datetime.date.today() - datetime.timedelta(days=2))
    client.force_login(cast.staff)

    page = client.get(reverse("acknowledgements:mine")).content.decode()

    assert '<strong class="overdue">Quá hạn</strong>' in page


def test_a_staff_member_acknowledges_on_the_reading_page(client, cast, campaign):
    assignment = Assignment.objects.get(person=cast.staff)
    client.force_login(cast.staff)
    url = reverse("acknowledgements:read", args=[assignment.pk])

    without_tick = client.post(url, {}).content.decode()
    assert (
        "Hãy đánh dấu cam kết: tôi đã đọc, hiểu và cam kết thực hiện." in without_tick
        and not Acknowledgement.objects.exists()
    )

    client.post(url, {"commitment": "on"}, HTTP_USER_AGENT="Chromium thử", REMOTE_ADDR="10.1.2.3")
    page = client.get(url).content.decode()

    ack = Acknowledgement.objects.get()
    assert (ack.person, ack.user_agent, ack.ip_address) == (cast.staff, "Chromium thử", "10.1.2.3")
    assert "Bạn đã xác nhận văn bản này" in page


def test_the_receipt_is_a_pdf_with_the_hashes(client, cast, campaign):
    assignment = Assignment.objects.get(person=cast.staff)
    ack = services.acknowledgement_record(assignment=assignment, by=cast.staff, request_meta={})
    client.force_login(cast.staff)

    response = client.get(reverse("acknowledgements:receipt", args=[assignment.pk]))

    import io

    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "BIÊN NHẬN XÁC NHẬN QUÁN TRIỆT VĂN BẢN" in text
    assert "Lê Thị Cán Bộ" in text and ack.text_sha256 in text.replace("\n", "")


def test_nobody_opens_someone_elses_assignment_or_receipt(client, cast, campaign):
    assignment = Assignment.objects.get(person=cast.staff)
    services.acknowledgement_record(assignment=assignment, by=cast.staff, request_meta={})
    for person in (cast.unit_head, cast.outsider, cast.administrator):
        client.force_login(person)
        assert client.get(reverse("acknowledgements:read", args=[assignment.pk])).status_code == 404
        assert client.get(reverse("acknowledgements:receipt", args=[assignment.pk])).status_code == 404
        assert (
            client.post(reverse("acknowledgements:read", args=[assignment.pk]), {"commitment": "on"}).status_code == 404
        )


def test_the_unit_head_sees_who_has_not_acknowledged_overdue_first(client, cast, org, campaign):
    services.acknowledgement_record(
        assignment=Assignment.objects.get(person=cast.unit_head), by=cast.unit_head, request_meta={}
    )
    Assignment.objects.filter(person=cast.staff).update(due_on=datetime.date.today() - datetime.timedelta(days=1))
    client.force_login(cast.unit_head)

    response = client.get(reverse("acknowledgements:unit"))
    rows = [(row.person.full_name, row.status) for row in response.context["page"]]

    assert rows == [("Lê Thị Cán Bộ", "overdue"), ("Trần Văn Trưởng", "done")]
    assert response.context["counts"] == {
        "total": 2, "done": 1, "pending": 1, "overdue": 1, "online": 1, "meeting": 0, "behalf": 0,
    }  # fmt: skip
    overdue_only = client.get(reverse("acknowledgements:unit"), {"status": "overdue"}).context["page"]
    assert [row.person.full_name for row in overdue_only] == ["Lê Thị Cán Bộ"]


def test_the_unit_page_is_for_heads_and_inspectors_in_their_scope(client, cast, org, campaign):
    client.force_login(cast.staff)
    assert client.get(reverse("acknowledgements:unit")).status_code == 403
    client.force_login(cast.outsider)
    response = client.get(reverse("acknowledgements:unit"), {"unit": org.department.pk})
    assert response.status_code == 404 or "Lê Thị Cán Bộ" not in response.content.decode()


def test_an_administrator_launches_a_campaign_from_the_directive(client, cast, org, tax_letter):
    client.force_login(cast.administrator)
    due = (datetime.date.today() + datetime.timedelta(days=14)).isoformat()

    response = client.post(
        reverse("acknowledgements:launch", args=[tax_letter.pk]),
        {"units": [org.department.pk], "include_subtree": "on", "due_on": due, "confirm": "1"},
        follow=True,
    )

    assert "Đã giao văn bản cho 2 người." in response.content.decode()
    assert set(Assignment.objects.values_list("person__email", flat=True)) == {
        "canbo@example.gov.vn",
        "truongphong@example.gov.vn",
    }


def test_launching_a_launched_directive_again_shows_its_campaign_and_saves_nothing(client, cast, org, campaign):
    client.force_login(cast.administrator)
    url = reverse("acknowledgements:launch", args=[campaign.directive.pk])
    due = (datetime.date.today() + datetime.timedelta(days=30)).isoformat()

    page = client.post(url, {"units": [org.office.pk], "include_subtree": "on", "due_on": due}).content.decode()

    assert "Văn bản này đã được phát động quán triệt." in page
    assert "<dt>Số người được giao</dt><dd>2</dd>" in page
    assert "Phòng Bưu chính (gồm cả các đơn vị trực thuộc)" in page
    assert list(campaign.targets.values_list("unit__code", flat=True)) == ["PBC"]
    assert Assignment.objects.count() == 2


def test_only_administrators_launch(client, cast, tax_letter):
    for person in (cast.staff, cast.unit_head, cast.inspector, cast.outsider):
        client.force_login(person)
        assert client.get(reverse("acknowledgements:launch", args=[tax_letter.pk])).status_code == 404


def test_a_head_reports_dissemination_with_an_attachment(client, cast, org, campaign):
    from tests.acknowledgements.test_report_attachments import pdf_bytes

    client.force_login(cast.unit_head)
    url = reverse("acknowledgements:report", args=[campaign.directive_id, org.department.pk])
    assert "Phòng Bưu chính" in client.get(reverse("acknowledgements:unit")).content.decode()

    fake = client.post(
        url,
        {
            "method": "meeting",
            "held_on": "2026-11-20",
            "attendees": "12",
            "attachment": SimpleUploadedFile("bien-ban.pdf", b"MZ\x90\x00 not a pdf"),
        },
    )
    assert "Tệp bien-ban.pdf không thuộc loại được nhận." in fake.content.decode()
    assert not ImplementationReport.objects.exists()

    client.post(
        url,
        {
            "method": "meeting",
            "held_on": "2026-11-20",
            "attendees": "12",
            "notes": "Họp giao ban",
            "attachment": SimpleUploadedFile("bien-ban.pdf", pdf_bytes()),
        },
    )

    report = ImplementationReport.objects.get()
    assert (report.method, report.attendees, report.reported_by) == ("meeting", 12, cast.unit_head)
    assert (report.attachment_name, report.attachment_type) == ("bien-ban.pdf", "application/pdf")
    assert "Tất cả đơn vị đã báo cáo." in client.get(reverse("acknowledgements:unit")).content.decode()


def test_only_the_units_head_reports(client, cast, org, campaign):
    for person in (cast.staff, cast.inspector, cast.outsider):
        client.force_login(person)
        url = reverse("acknowledgements:report", args=[campaign.directive_id, org.department.pk])
        assert client.get(url).status_code == 404


def test_the_home_page_shows_each_role_its_pending_work(client, cast, campaign):
    Assignment.objects.filter(person=cast.staff).update(due_on=datetime.date.today() - datetime.timedelta(days=1))
    client.force_login(cast.staff)
    assert "1 văn bản chờ bạn xác nhận" in client.get(reverse("home")).content.decode()
    client.force_login(cast.unit_head)
    page = client.get(reverse("home")).content.decode()
    assert "1 lượt quá hạn xác nhận trong đơn vị" in page and "1 đơn vị chưa báo cáo triển khai" in page


def test_verify_acknowledgements_reports_tampering(cast, campaign, capsys):
    services.acknowledgement_record(
        assignment=Assignment.objects.get(person=cast.staff), by=cast.staff, request_meta={}
    )
    call_command("verify_acknowledgements")
    assert "nguyên vẹn: 1 bản ghi" in capsys.readouterr().out

    tamper(f"UPDATE {Acknowledgement._meta.db_table} SET user_agent = 'sửa lén'")

    with pytest.raises(CommandError, match="1 lỗi"):
        call_command("verify_acknowledgements")


def test_a_unit_head_nudges_one_person_at_most_once_a_day(client, cast, campaign, django_capture_on_commit_callbacks):
    from django.core import mail

    client.force_login(cast.unit_head)

    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(reverse("acknowledgements:nudge"), {"person": cast.staff.pk}, follow=True).content.decode()
        client.post(reverse("acknowledgements:nudge"), {"person": cast.staff.pk})

    assert "Đã nhắc 1 người" in first
    assert [m.to for m in mail.outbox] == [["canbo@example.gov.vn"]]


def test_a_unit_head_nudges_all_overdue_people(client, cast, campaign, django_capture_on_commit_callbacks):
    from django.core import mail

    Assignment.objects.update(due_on=datetime.date.today() - datetime.timedelta(days=2))
    client.force_login(cast.unit_head)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("acknowledgements:nudge"))

    assert sorted(m.to[0] for m in mail.outbox) == ["canbo@example.gov.vn", "truongphong@example.gov.vn"]


def test_nobody_nudges_outside_their_scope(client, cast, campaign):
    from django.core import mail

    client.force_login(cast.outsider)
    page = client.post(reverse("acknowledgements:nudge"), {"person": cast.staff.pk}, follow=True).content.decode()
    client.force_login(cast.staff)

    assert client.post(reverse("acknowledgements:nudge"), {"person": cast.staff.pk}).status_code == 403
    assert mail.outbox == [] and "Đã nhắc" not in page


def test_launching_first_says_how_many_people_in_how_many_units(client, cast, org, tax_letter):
    client.force_login(cast.administrator)
    url = reverse("acknowledgements:launch", args=[tax_letter.pk])
    form = {"units": [org.department.pk], "include_subtree": "on", "due_on": "2099-08-28"}

    asked = client.post(url, form).content.decode()
    edited = client.post(url, {**form, "edit": "1"}).content.decode()

    assert "Giao văn bản cho 2 người thuộc 2 đơn vị" in asked and "hạn xác nhận 28/8/2099." in asked
    assert not Assignment.objects.exists()
    assert 'name="due_on" value="2099-08-28"' in edited and not Assignment.objects.exists()
    client.post(url, {**form, "confirm": "1"})
    assert Assignment.objects.count() == 2


def test_the_launch_page_shows_the_units_as_a_tree(client, cast, org, tax_letter):
    client.force_login(cast.administrator)

    page = client.get(reverse("acknowledgements:launch", args=[tax_letter.pk])).content.decode()

    labels = re.findall(r'name="units" value="\d+" id="id_units_\d+">\s*([^<]+)</label>', page)
    assert [label.strip() for label in labels] == [
        "Sở Thông tin và Truyền thông", "— Phòng Bưu chính", "— — Tổ Báo chí", "— Văn phòng Sở",
    ]  # fmt: skip
