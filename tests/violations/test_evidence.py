"""Evidence: who gets the original, what is recorded, how many files a case takes
and how they are read."""

import datetime
import hashlib
import io
import os

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import ExifTags, Image

from core.models import AuditEvent
from tests.violations.conftest import png_upload, report_about
from violations import services
from violations.models import Event, Evidence, Report

GPS = {ExifTags.GPS.GPSLatitudeRef: "N", ExifTags.GPS.GPSLatitude: (21.0, 1.0, 42.0)}


def photo_with_gps() -> bytes:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Samsung"
    exif.get_ifd(ExifTags.IFD.GPSInfo).update(GPS)
    output = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 120, 200)).save(output, format="JPEG", exif=exif)
    return output.getvalue()


def download(client, evidence, **params) -> bytes:
    response = client.get(reverse("violations:file", args=[evidence.pk]), params)
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def test_a_unit_head_asking_for_the_original_gets_the_copy_without_metadata(client, cast, case):
    evidence = case.evidence.get()
    client.force_login(cast.unit_head)

    served = download(client, evidence, original="1")

    assert served == evidence.display.open("rb").read()
    assert not case.events.filter(kind="original").exists()
    assert not AuditEvent.objects.filter(action="original_downloaded").exists()


def test_each_original_an_inspector_downloads_is_in_the_history_and_the_audit_trail(client, cast, org, case):
    evidence = case.evidence.get()
    client.force_login(cast.inspector)

    served = download(client, evidence, original="1")
    download(client, evidence, original="1")

    assert served == evidence.original.open("rb").read()
    lines = case.events.filter(kind="original")
    assert [(e.actor, e.text) for e in lines] == [(cast.inspector, "anh-chup.png")] * 2
    audit = AuditEvent.objects.filter(action="original_downloaded")
    assert audit.count() == 2
    assert {(a.actor, a.unit_path) for a in audit} == {(cast.inspector, org.team.path)}


def test_only_inspectors_are_offered_the_original(client, cast, case):
    url = f"{reverse('violations:file', args=[case.evidence.get().pk])}?original=1"
    client.force_login(cast.unit_head)
    assert url not in client.get(reverse("violations:detail", args=[case.pk])).content.decode()
    client.force_login(cast.inspector)
    assert url in client.get(reverse("violations:detail", args=[case.pk])).content.decode()


def test_an_anonymous_senders_photo_is_stored_without_its_metadata_but_with_the_hash_of_what_was_sent(client, org):
    sent = photo_with_gps()
    client.post(reverse("violations:anonymous"), {
        "unit": org.team.pk, "subject_description": "Một cán bộ", "category": "other", "platform": "zalo",
        "seen_at": (timezone.localtime() - datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "description": "Ảnh chụp bài đăng.", "files": [SimpleUploadedFile("IMG_1.jpg", sent)],
    })  # fmt: skip

    evidence = Evidence.objects.get()
    original = evidence.original.open("rb").read()
    assert original == evidence.display.open("rb").read()
    assert not Image.open(io.BytesIO(original)).getexif()
    assert b"Samsung" not in original
    assert evidence.sha256 == hashlib.sha256(sent).hexdigest()


def test_showing_a_confidential_reporter_is_recorded_in_the_audit_trail(client, cast, colleague, case, org):
    from violations.models import IdentityHandler

    IdentityHandler.objects.create(unit=org.department, person=cast.unit_head, granted_by=cast.administrator)
    for person in (cast.unit_head, cast.inspector, colleague):
        client.force_login(person)
        client.get(reverse("violations:detail", args=[case.pk]))

    rows = AuditEvent.objects.filter(action="reporter_viewed").order_by("id")
    assert [(row.actor, row.target) for row in rows] == [(cast.unit_head, f"violations.report:{case.pk}")]


def test_a_reporter_who_asked_for_nothing_is_shown_without_an_audit_row(client, cast, colleague):
    report = report_about(cast.staff, by=colleague, confidential=False)
    client.force_login(cast.unit_head)

    client.get(reverse("violations:detail", args=[report.pk]))

    assert not AuditEvent.objects.filter(action="reporter_viewed").exists()


def test_a_case_takes_at_most_the_configured_number_of_files_counting_those_it_has(client, cast, case, settings):
    settings.EVIDENCE_MAX_FILES = 2  # the case has one already
    client.force_login(cast.unit_head)

    client.post(
        reverse("violations:post", args=[case.pk, "note"]),
        {"text": "Thêm ảnh", "files": [png_upload("a.png"), png_upload("b.png")]},
    )

    assert case.evidence.count() == 1
    with pytest.raises(ValidationError, match="tối đa 2 tệp"):
        services.evidence_add(report=case, by=cast.unit_head, files=[png_upload("a.png"), png_upload("b.png")])
    services.evidence_add(report=case, by=cast.unit_head, files=[png_upload("a.png")])
    assert case.evidence.count() == 2


def test_too_many_files_on_a_new_report_are_refused_before_any_is_read(client, colleague, settings, monkeypatch):
    settings.EVIDENCE_MAX_FILES = 1
    checked = []
    monkeypatch.setattr("violations.services.check_upload", lambda upload, **kw: checked.append(upload))
    client.force_login(colleague)

    page = client.post(reverse("violations:new"), {
        "subject_email": "canbo@example.gov.vn", "category": "other", "platform": "other", "description": "x",
        "seen_at": (timezone.localtime() - datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "files": [png_upload("a.png"), png_upload("b.png")],
    }).content.decode()  # fmt: skip

    assert "Gửi tối đa 1 tệp mỗi lần." in page
    assert checked == [] and not Report.objects.exists()


def stored_files() -> set[str]:
    location = Evidence._meta.get_field("original").storage.location
    return {os.path.join(root, name) for root, _dirs, names in os.walk(location) for name in names}


def test_when_a_later_file_is_refused_the_files_already_stored_are_removed(cast, colleague):
    before = stored_files()
    bad = SimpleUploadedFile("trang.png", b"<html><script>alert(1)</script></html>")

    with pytest.raises(ValidationError):
        report_about(cast.staff, by=colleague, files=[png_upload("tot.png"), bad])

    assert stored_files() == before
    assert not Report.objects.exists() and not Evidence.objects.exists()


def test_a_large_upload_is_stored_from_the_upload_itself(cast, colleague, monkeypatch):
    """The original is written from the upload in chunks, not from a copy in memory."""
    stored_from = []
    real_save = Evidence._meta.get_field("original").storage.save

    def save(name, content, max_length=None):
        stored_from.append(content)
        return real_save(name, content, max_length=max_length)

    monkeypatch.setattr(Evidence._meta.get_field("original").storage, "save", save)
    upload = SimpleUploadedFile("IMG_2.jpg", photo_with_gps())

    report_about(cast.staff, by=colleague, files=[upload])

    assert upload in stored_from


def test_the_original_of_a_pdf_or_video_is_what_everyone_who_may_see_it_gets(client, cast, colleague):
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(text="Bien ban")
    content = bytes(pdf.output())
    report = report_about(cast.staff, by=colleague, files=[SimpleUploadedFile("bien-ban.pdf", content)])
    client.force_login(cast.unit_head)

    assert download(client, report.evidence.get()) == content
    assert not Event.objects.filter(kind="original").exists()
