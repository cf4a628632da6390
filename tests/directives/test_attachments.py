"""Documents a directive sends along ("Tài liệu gửi kèm theo: Cẩm nang…"): added to a
draft by an administrator, checked like every upload, covered by the version's hash,
and changed on a published directive only by a new, material version."""

import datetime
import hashlib
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from fpdf import FPDF
from pypdf import PdfReader

from acknowledgements import chain
from acknowledgements import services as ack_services
from acknowledgements.models import Acknowledgement, Assignment
from acknowledgements.receipt import receipt_pdf
from directives import services
from directives.demo import seed_directives
from directives.models import Attachment
from tests.conduct_portal.test_form_errors import assert_tied, errors_of
from tests.directives.seeds import FONT, HA_TINH, import_seed

META = {"REMOTE_ADDR": "10.0.0.7", "HTTP_USER_AGENT": "Firefox thử nghiệm"}


def handbook_bytes(title: str = "Cẩm nang phòng chống tin giả") -> bytes:
    pdf = FPDF()
    pdf.set_creation_date(datetime.datetime(2024, 8, 28, tzinfo=datetime.UTC))  # the same bytes on every call
    pdf.add_font("DejaVu", "", str(FONT))
    pdf.add_page()
    pdf.set_font("DejaVu", "", 14)
    pdf.cell(0, 10, title)
    return bytes(pdf.output())


def handbook(name="cam-nang.pdf", data=None):
    return SimpleUploadedFile(name, data if data is not None else handbook_bytes())


@pytest.fixture
def draft(cast, org):
    """The Hà Tĩnh letter, which sends a handbook along, saved as a draft."""
    return import_seed(HA_TINH, owner_unit=org.agency, by=cast.administrator, publish=False).versions.get()


def test_an_attachment_enters_the_versions_hash(cast, draft):
    text_only = hashlib.sha256(draft.text.encode("utf-8")).hexdigest()
    assert draft.sha256 == text_only
    data = handbook_bytes()

    attachment = services.attachment_add(
        version=draft, upload=handbook(data=data), title="Cẩm nang phòng chống tin giả", by=cast.administrator
    )

    draft.refresh_from_db()
    file_hash = hashlib.sha256(data).hexdigest()
    assert (attachment.title, attachment.name, attachment.content_type, attachment.sha256) == (
        "Cẩm nang phòng chống tin giả", "cam-nang.pdf", "application/pdf", file_hash,
    )  # fmt: skip
    # The text, a NUL byte, then one line per attachment: its hash and its title.
    payload = draft.text + "\n\x00" + file_hash + " Cẩm nang phòng chống tin giả"
    assert draft.sha256 == hashlib.sha256(payload.encode("utf-8")).hexdigest()
    assert attachment.file.read() == data


def test_the_acknowledgement_records_the_hash_covering_the_attachments(cast, org, draft):
    services.attachment_add(version=draft, upload=handbook(), by=cast.administrator)
    services.version_publish(version=draft, by=cast.administrator)
    draft.refresh_from_db()
    ack_services.campaign_launch(
        directive=draft.directive, targets=[(org.department, True)], due_on=draft.published_at.date(),
        by=cast.administrator,
    )  # fmt: skip

    ack = ack_services.acknowledgement_record(
        assignment=Assignment.objects.get(person=cast.staff), by=cast.staff, request_meta=META
    )

    assert ack.text_sha256 == draft.sha256
    assert ack.text_sha256 != hashlib.sha256(draft.text.encode("utf-8")).hexdigest()
    assert chain.verify().ok


def test_the_upload_checker_refuses_a_disguised_file_and_nothing_is_kept(cast, draft):
    before = draft.sha256

    with pytest.raises(ValidationError, match="không thuộc loại được nhận"):
        services.attachment_add(
            version=draft, upload=handbook("cam-nang.pdf", b"<html><script>alert(1)</script></html>"),
            by=cast.administrator,
        )  # fmt: skip

    draft.refresh_from_db()
    assert (Attachment.objects.count(), draft.sha256) == (0, before)


def test_the_same_file_twice_is_refused(cast, draft):
    data = handbook_bytes()
    services.attachment_add(version=draft, upload=handbook(data=data), by=cast.administrator)

    with pytest.raises(ValidationError, match="đã được gửi kèm phiên bản này"):
        services.attachment_add(version=draft, upload=handbook("ban-sao.pdf", data), by=cast.administrator)


def test_only_an_administrator_over_the_owner_unit_adds_or_removes(cast, draft):
    attachment = services.attachment_add(version=draft, upload=handbook(), by=cast.administrator)

    for someone in (cast.unit_head, cast.inspector, cast.outsider, cast.staff):
        with pytest.raises(PermissionDenied):
            services.attachment_add(version=draft, upload=handbook("khac.pdf", handbook_bytes("Khác")), by=someone)
        with pytest.raises(PermissionDenied):
            services.attachment_remove(attachment=attachment, by=someone)
    assert Attachment.objects.count() == 1


def test_a_published_versions_attachments_never_change(cast, draft):
    attachment = services.attachment_add(version=draft, upload=handbook(), by=cast.administrator)
    services.version_publish(version=draft, by=cast.administrator)

    with pytest.raises(ValidationError, match="hãy tạo phiên bản mới"):
        services.attachment_add(version=draft, upload=handbook("khac.pdf", handbook_bytes("Khác")))
    with pytest.raises(ValidationError, match="hãy tạo phiên bản mới"):
        services.attachment_remove(attachment=attachment)
    assert list(draft.attachments.values_list("title", flat=True)) == ["cam-nang"]


def test_an_attachment_change_is_a_material_change(cast, org, draft):
    services.attachment_add(version=draft, upload=handbook(), by=cast.administrator)
    services.version_publish(version=draft, by=cast.administrator)
    directive = draft.directive
    ack_services.campaign_launch(
        directive=directive, targets=[(org.department, True)], due_on=draft.created_at.date(), by=cast.administrator
    )
    first = ack_services.acknowledgement_record(
        assignment=Assignment.objects.get(person=cast.staff), by=cast.staff, request_meta=META
    )

    # The same text; the handbook replaced by its new edition; "editorial" ticked.
    second = services.version_create(
        directive=directive, text=draft.text, change_note="Cẩm nang bản cập nhật", is_material=False,
        attachment=handbook("cam-nang-2024.pdf", handbook_bytes("Cẩm nang 2024")), attachment_title="Cẩm nang 2024",
        drop=[draft.attachments.get().pk], by=cast.administrator,
    )  # fmt: skip
    services.version_publish(version=second, by=cast.administrator)

    second.refresh_from_db()
    assert (second.number, second.is_material) == (2, True)
    assert list(second.attachments.values_list("title", flat=True)) == ["Cẩm nang 2024"]
    reopened = Assignment.objects.open().get(person=cast.staff)
    assert reopened.version == second
    assert Acknowledgement.objects.get(pk=first.pk).version == draft


def test_a_new_version_keeps_the_attachments_and_must_change_something(cast, draft):
    services.attachment_add(version=draft, upload=handbook(), by=cast.administrator)
    services.version_publish(version=draft, by=cast.administrator)

    with pytest.raises(ValidationError, match="giống hệt"):
        services.version_create(directive=draft.directive, text=draft.text, change_note="x", is_material=True)

    text = draft.text.replace("nâng cao trách nhiệm", "nâng cao hơn nữa trách nhiệm")
    second = services.version_create(directive=draft.directive, text=text, change_note="Sửa câu", is_material=False)
    assert list(second.attachments.values_list("title", "sha256")) == list(
        draft.attachments.values_list("title", "sha256")
    )
    assert second.is_material is False


def test_removing_from_a_draft_keeps_the_file_a_published_version_still_sends(
    cast, draft, django_capture_on_commit_callbacks
):
    services.attachment_add(version=draft, upload=handbook(), by=cast.administrator)
    services.version_publish(version=draft, by=cast.administrator)
    text = draft.text + "\nBổ sung."
    second = services.version_create(directive=draft.directive, text=text, change_note="Bổ sung", is_material=True)

    with django_capture_on_commit_callbacks(execute=True):
        services.attachment_remove(attachment=second.attachments.get(), by=cast.administrator)

    assert draft.attachments.get().file.read() == handbook_bytes()
    second.refresh_from_db()
    assert second.sha256 == hashlib.sha256(text.encode("utf-8")).hexdigest()


# Pages


def test_an_administrator_adds_and_removes_an_attachment_on_the_edit_page(client, cast, draft):
    client.force_login(cast.administrator)
    edit = reverse("directives:edit", args=[draft.directive_id])
    assert "Thêm tài liệu gửi kèm" in client.get(edit).content.decode()

    page = client.post(
        reverse("directives:attachment_add", args=[draft.directive_id]),
        {"file": handbook(), "title": "Cẩm nang phòng chống tin giả"},
        follow=True,
    ).content.decode()

    assert "Đã thêm tài liệu gửi kèm." in page
    assert "Cẩm nang phòng chống tin giả" in page
    attachment = draft.attachments.get()
    page = client.post(
        reverse("directives:attachment_remove", args=[draft.directive_id, attachment.pk]), follow=True
    ).content.decode()
    assert "Đã bỏ tài liệu gửi kèm “Cẩm nang phòng chống tin giả”." in page
    assert not draft.attachments.exists()


def test_a_refused_file_comes_back_on_the_edit_page_with_its_message_on_the_file_field(client, cast, draft):
    client.force_login(cast.administrator)

    response = client.post(
        reverse("directives:attachment_add", args=[draft.directive_id]),
        {"file": handbook("cam-nang.pdf", b"MZ\x90\x00 not a pdf"), "title": "Cẩm nang"},
    )

    title, entries, page = errors_of(response)
    assert title.startswith("Lỗi: ")
    assert entries == [(
        "Tệp cam-nang.pdf không thuộc loại được nhận. "
        "Chỉ nhận ảnh PNG, JPEG, WebP, tệp PDF, video MP4 hoặc văn bản Word (.docx).",
        "id_file",
    )]  # fmt: skip
    assert_tied(page, "id_file", "Tệp cam-nang.pdf không thuộc loại được nhận.")
    assert page.get_element_by_id("id_title").get("value") == "Cẩm nang"
    assert not draft.attachments.exists()


def test_the_same_file_twice_comes_back_on_the_file_field(client, cast, draft):
    services.attachment_add(version=draft, upload=handbook(), by=cast.administrator)
    client.force_login(cast.administrator)

    response = client.post(reverse("directives:attachment_add", args=[draft.directive_id]), {"file": handbook()})

    _title, entries, _page = errors_of(response)
    assert [anchor for _message, anchor in entries] == ["id_file"]
    assert draft.attachments.count() == 1


def test_the_directive_page_lists_the_attachments_to_download(client, cast, draft):
    services.attachment_add(version=draft, upload=handbook(), title="Cẩm nang", by=cast.administrator)
    services.version_publish(version=draft, by=cast.administrator)
    client.force_login(cast.staff)

    page = client.get(reverse("directives:detail", args=[draft.directive_id])).content.decode()

    assert "Tài liệu gửi kèm theo" in page
    url = reverse("directives:attachment", args=[draft.attachments.get().pk])
    assert url in page
    response = client.get(url)
    assert (response["Content-Type"], response["Cache-Control"]) == ("application/pdf", "no-store")
    assert b"".join(response.streaming_content) == handbook_bytes()


ROLES = ("anonymous", "staff", "unit_head", "inspector", "administrator", "outsider", "superuser")
DOWNLOAD = {
    # attachment of: statuses in the order of ROLES
    "draft": (302, 404, 404, 404, 200, 404, 200),
    "published": (302, 200, 200, 200, 200, 404, 200),
}


@pytest.mark.parametrize("state", list(DOWNLOAD))
@pytest.mark.parametrize("index", range(len(ROLES)), ids=ROLES)
def test_who_may_download_a_directives_attachment(client, cast, draft, state, index):
    attachment = services.attachment_add(version=draft, upload=handbook(), by=cast.administrator)
    if state == "published":
        services.version_publish(version=draft, by=cast.administrator)
    if ROLES[index] != "anonymous":
        client.force_login(getattr(cast, ROLES[index]))

    response = client.get(reverse("directives:attachment", args=[attachment.pk]))

    assert response.status_code == DOWNLOAD[state][index]


def test_the_attachment_of_an_unknown_id_is_a_404(client, cast, draft):
    client.force_login(cast.superuser)
    assert client.get(reverse("directives:attachment", args=[987654])).status_code == 404


@pytest.fixture
def assigned(cast, org, draft):
    services.attachment_add(version=draft, upload=handbook(), title="Cẩm nang", by=cast.administrator)
    services.version_publish(version=draft, by=cast.administrator)
    ack_services.campaign_launch(
        directive=draft.directive, targets=[(org.department, True)], due_on=draft.created_at.date(),
        by=cast.administrator,
    )  # fmt: skip
    return Assignment.objects.get(person=cast.staff), draft.attachments.get()


READING = (302, 200, 404, 404, 404, 404, 404)


@pytest.mark.parametrize("index", range(len(ROLES)), ids=ROLES)
def test_the_reading_pages_attachment_opens_for_the_assigned_person_only(client, cast, assigned, index):
    assignment, attachment = assigned
    if ROLES[index] != "anonymous":
        client.force_login(getattr(cast, ROLES[index]))

    response = client.get(reverse("acknowledgements:attachment", args=[assignment.pk, attachment.pk]))

    assert response.status_code == READING[index]


def test_the_reading_page_links_the_attachment_and_serves_it(client, cast, assigned):
    assignment, attachment = assigned
    client.force_login(cast.staff)

    page = client.get(reverse("acknowledgements:read", args=[assignment.pk])).content.decode()

    url = reverse("acknowledgements:attachment", args=[assignment.pk, attachment.pk])
    assert f'<a href="{url}">Cẩm nang</a>' in page
    response = client.get(url)
    assert response["Content-Disposition"] == 'attachment; filename="cam-nang.pdf"'
    assert io.BytesIO(b"".join(response.streaming_content)).read() == handbook_bytes()


def test_another_versions_attachment_is_not_served_through_my_assignment(client, cast, org, assigned, tax_letter):
    assignment, _attachment = assigned
    other = tax_letter.versions.get()
    services.version_create(
        directive=tax_letter, text=other.text + "\nPhụ lục.", change_note="Phụ lục", is_material=True,
        attachment=handbook("phu-luc.pdf", handbook_bytes("Phụ lục")),
    )  # fmt: skip
    foreign = Attachment.objects.get(name="phu-luc.pdf")
    client.force_login(cast.staff)

    assert client.get(reverse("acknowledgements:attachment", args=[assignment.pk, foreign.pk])).status_code == 404


def test_sending_no_file_says_so_on_the_file_field(client, cast, draft):
    client.force_login(cast.administrator)

    response = client.post(reverse("directives:attachment_add", args=[draft.directive_id]), {"title": "Cẩm nang"})

    title, entries, page = errors_of(response)
    assert title.startswith("Lỗi: ")
    assert entries == [("Hãy chọn tệp tài liệu gửi kèm.", "id_file")]
    assert_tied(page, "id_file", "Hãy chọn tệp tài liệu gửi kèm.")
    assert page.get_element_by_id("id_title").get("value") == "Cẩm nang"


# Who may add or remove: statuses after the POST (a redirect back to the edit page
# for an administrator over the owner unit), in the order of ROLES.
CHANGE = (302, 404, 404, 404, 302, 404, 302)


@pytest.mark.parametrize("index", range(len(ROLES)), ids=ROLES)
def test_who_may_add_and_remove_attachments(client, cast, draft, index):
    if ROLES[index] != "anonymous":
        client.force_login(getattr(cast, ROLES[index]))
    kept = services.attachment_add(version=draft, upload=handbook("giu-lai.pdf", handbook_bytes("Giữ")))

    added = client.post(reverse("directives:attachment_add", args=[draft.directive_id]), {"file": handbook()})
    removed = client.post(reverse("directives:attachment_remove", args=[draft.directive_id, kept.pk]))

    assert (added.status_code, removed.status_code) == (CHANGE[index], CHANGE[index])
    may = CHANGE[index] == 302 and ROLES[index] != "anonymous"
    assert list(draft.attachments.values_list("name", flat=True)) == (["cam-nang.pdf"] if may else ["giu-lai.pdf"])


def test_the_receipt_lists_each_attachment_with_its_hash(cast, assigned):
    assignment, attachment = assigned
    ack = ack_services.acknowledgement_record(assignment=assignment, by=cast.staff, request_meta=META)

    text = " ".join(PdfReader(io.BytesIO(receipt_pdf(ack))).pages[0].extract_text().split())

    assert "Tài liệu gửi kèm: Cẩm nang" in text
    assert hashlib.sha256(handbook_bytes()).hexdigest()[:40] in text.replace(" ", "")


def test_a_new_version_page_swaps_the_handbook_and_the_change_is_material(client, cast, draft):
    old = services.attachment_add(version=draft, upload=handbook(), title="Cẩm nang", by=cast.administrator)
    services.version_publish(version=draft, by=cast.administrator)
    client.force_login(cast.administrator)
    url = reverse("directives:version_new", args=[draft.directive_id])
    assert "Bỏ tài liệu gửi kèm" in client.get(url).content.decode()

    response = client.post(
        url,
        {
            "text": draft.text, "change_note": "Cẩm nang bản mới", "is_material": "0", "drop": [str(old.pk)],
            "attachment": handbook("cam-nang-moi.pdf", handbook_bytes("Bản mới")), "attachment_title": "Cẩm nang mới",
        },
    )  # fmt: skip

    assert response.status_code == 302
    second = draft.directive.versions.get(number=2)
    assert list(second.attachments.values_list("title", flat=True)) == ["Cẩm nang mới"]
    assert second.is_material is True


def test_the_demo_letter_that_sends_a_handbook_along_has_it_attached(cast, org):
    directives = seed_directives(owner_unit=org.agency, by=cast.administrator)

    attached = [(d.symbol, a.title) for d in directives for a in d.versions.get().attachments.all()]
    assert attached == [("STTTT-TTBCXB", "Cẩm nang phòng chống tin giả, tin sai sự thật trên không gian mạng")]


def test_a_draft_brought_back_to_the_published_version_is_not_published_again(cast, draft):
    services.version_publish(version=draft, by=cast.administrator)
    second = services.version_create(
        directive=draft.directive, text=draft.text, change_note="Thêm cẩm nang", is_material=True,
        attachment=handbook(), by=cast.administrator,
    )  # fmt: skip
    services.attachment_remove(attachment=second.attachments.get(), by=cast.administrator)
    second.refresh_from_db()

    with pytest.raises(ValidationError, match="giống hệt phiên bản trước"):
        services.version_publish(version=second, by=cast.administrator)
    assert not draft.directive.versions.get(number=2).is_published


def test_editing_the_drafts_text_keeps_its_attachments_in_the_hash(cast, draft):
    attachment = services.attachment_add(version=draft, upload=handbook(), title="Cẩm nang", by=cast.administrator)
    text = draft.text.replace("nâng cao trách nhiệm", "nâng cao hơn nữa trách nhiệm")
    fields = {name: getattr(draft.directive, name) for name in services.METADATA_FIELDS}

    services.directive_update(directive=draft.directive, draft=services.Draft(fields=fields, text=text, obligations=[]))

    draft.refresh_from_db()
    payload = text + "\n\x00" + attachment.sha256 + " Cẩm nang"
    assert draft.sha256 == hashlib.sha256(payload.encode("utf-8")).hexdigest()
