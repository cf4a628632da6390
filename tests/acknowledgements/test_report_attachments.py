"""Implementation-report attachments are checked like evidence and served only to
the heads, inspectors and administrators whose scope covers the reporting unit."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from fpdf import FPDF

from acknowledgements import services


def pdf_bytes(text: str = "Biên bản hội nghị quán triệt") -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(text=text.encode("ascii", "replace").decode())
    return bytes(pdf.output())


def report_of(unit, head, directive, *, name="bien-ban.pdf", data=None):
    return services.implementation_report_submit(
        directive=directive, unit=unit, by=head, method="meeting", held_on="2026-11-20", attendees=12,
        notes="", attachment=SimpleUploadedFile(name, data if data is not None else pdf_bytes()),
    )  # fmt: skip


def test_a_pdf_with_javascript_after_the_first_bytes_is_refused(cast, org, campaign):
    sneaky = pdf_bytes().replace(
        b"%%EOF", b"1 0 obj << /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >> endobj\n%%EOF"
    )

    with pytest.raises(ValidationError, match="bien-ban.pdf"):
        report_of(org.department, cast.unit_head, campaign.directive, data=sneaky)


def test_an_attachment_whose_name_disagrees_with_its_content_is_refused(cast, org, campaign):
    with pytest.raises(ValidationError, match="đuôi tên tệp là “.docx”"):
        report_of(org.department, cast.unit_head, campaign.directive, name="bien-ban.docx")


def test_the_attachment_size_limit_is_a_setting(cast, org, campaign, settings):
    settings.REPORT_ATTACHMENT_MAX_MB = 1

    with pytest.raises(ValidationError, match="tối đa 1 MB"):
        report_of(org.department, cast.unit_head, campaign.directive, data=pdf_bytes() + b"\0" * 1_100_000)


def test_an_attachment_over_the_old_ten_megabytes_is_accepted_by_default(cast, org, campaign, tmp_path):
    import os

    from PIL import Image

    # A scanned sheet: 12 MB of pixels that do not compress.
    noise = tmp_path / "scan.png"
    Image.frombytes("RGB", (2000, 2000), os.urandom(2000 * 2000 * 3)).save(noise, compress_level=0)
    pdf = FPDF()
    pdf.add_page()
    pdf.image(str(noise), w=180)
    data = bytes(pdf.output())
    assert len(data) > 11 * 1_048_576

    report = report_of(org.department, cast.unit_head, campaign.directive, data=data)

    assert report.attachment.size == len(data)


def test_the_stored_file_has_a_random_name_and_the_download_the_checked_one(client, cast, org, campaign):
    report = report_of(org.department, cast.unit_head, campaign.directive, name="../../Biên bản họp.pdf")
    client.force_login(cast.inspector)

    response = client.get(reverse("acknowledgements:report_attachment", args=[report.pk]))

    assert "Bi" not in report.attachment.name and report.attachment.name.endswith(".pdf")
    assert response["Content-Disposition"].startswith("attachment;")
    assert "Bi%C3%AAn%20b%E1%BA%A3n%20h%E1%BB%8Dp.pdf" in response["Content-Disposition"]


def test_the_download_is_not_cached_not_sniffed_and_is_the_file(client, cast, org, campaign):
    data = pdf_bytes()
    report = report_of(org.department, cast.unit_head, campaign.directive, data=data)
    client.force_login(cast.unit_head)

    response = client.get(reverse("acknowledgements:report_attachment", args=[report.pk]))

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert response["Content-Disposition"] == 'attachment; filename="bien-ban.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == data


# who, unit of the report, may download
MATRIX = [
    ("staff", "department", False),
    ("unit_head", "department", True),
    ("unit_head", "team", True),
    ("unit_head", "office", False),
    ("office_head", "office", True),
    ("office_head", "department", False),
    ("inspector", "department", True),
    ("inspector", "office", True),
    ("administrator", "team", True),
    ("administrator", "office", True),
    ("outsider", "department", False),
    ("outsider", "office", False),
]


@pytest.mark.parametrize(("who", "unit_name", "may_download"), MATRIX)
def test_each_role_downloads_attachments_in_its_scope_and_nothing_else(
    client, cast, org, campaign, office_head, who, unit_name, may_download
):
    unit = getattr(org, unit_name)
    head = office_head if unit_name == "office" else cast.unit_head
    report = report_of(unit, head, campaign.directive)
    client.force_login(office_head if who == "office_head" else getattr(cast, who))

    response = client.get(reverse("acknowledgements:report_attachment", args=[report.pk]))

    assert response.status_code == (200 if may_download else 404)


def test_a_guessed_id_or_a_report_without_attachment_is_a_404(client, cast, org, campaign):
    bare = services.implementation_report_submit(
        directive=campaign.directive, unit=org.department, by=cast.unit_head, method="email", held_on="2026-11-20"
    )
    client.force_login(cast.administrator)

    assert client.get(reverse("acknowledgements:report_attachment", args=[bare.pk])).status_code == 404
    assert client.get(reverse("acknowledgements:report_attachment", args=[bare.pk + 1000])).status_code == 404


def test_someone_not_logged_in_is_sent_to_log_in(client, cast, org, campaign):
    report = report_of(org.department, cast.unit_head, campaign.directive)

    response = client.get(reverse("acknowledgements:report_attachment", args=[report.pk]))

    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_unit_page_lists_the_reports_with_a_link_to_the_attachment(client, cast, org, campaign):
    report = report_of(org.department, cast.unit_head, campaign.directive)
    client.force_login(cast.inspector)

    page = client.get(reverse("acknowledgements:unit")).content.decode()

    assert "Báo cáo triển khai đã nhận" in page
    assert f'href="/acknowledgements/reports/{report.pk}/attachment/"' in page


def test_an_image_attachment_is_accepted(cast, org, campaign):
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(buffer, format="PNG")

    report = report_of(org.department, cast.unit_head, campaign.directive, name="danh-sach.png", data=buffer.getvalue())

    assert report.attachment_type == "image/png"
