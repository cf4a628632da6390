"""Administrators import, check, save and publish; everyone with access reads."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse

from directives.models import Directive, Status
from tests.directives.seeds import HA_TINH, TAX_LETTER, import_seed


def upload(client, path=None, name=None, content=None):
    """Post a file as the browser does and follow the redirect to its import job's page.
    Tasks run eagerly in tests, after the commit that creates the job, so the job has
    been read (in its child process) by the time the page is fetched."""
    file = SimpleUploadedFile(name or path.name, path.read_bytes() if content is None else content)
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(reverse("directives:import"), {"file": file})
    return client.get(response["Location"]) if response.status_code == 302 else response


def review_form(page_context) -> dict:
    """The review form as the browser would submit it, untouched."""
    form = page_context["form"]
    data = {"review": "1"}
    for name, field in form.fields.items():
        value = form[name].value()
        data[name] = field.prepare_value(value) if hasattr(field, "prepare_value") else value
        if hasattr(value, "pk"):
            data[name] = value.pk
        if data[name] is None:  # an empty input is submitted as ""
            data[name] = ""
    return data


def test_an_administrator_uploads_checks_saves_and_publishes_the_tax_letter(client, cast, org):
    client.force_login(cast.administrator)

    review = upload(client, TAX_LETTER)
    page = review.content.decode()
    assert "847/QĐ-BTTTT" in page and "có thể là 874/QĐ-BTTTT" in page
    assert not Directive.objects.exists()

    data = review_form(review.context)
    data.update(owner_unit=org.agency.pk, subject="Chấn chỉnh việc dùng mạng xã hội trong cơ quan, đơn vị")
    saved = client.post(reverse("directives:import"), data)
    directive = Directive.objects.get()
    assert saved["Location"] == reverse("directives:detail", args=[directive.pk])
    assert (directive.subject, directive.issued_on, directive.status) == (
        "Chấn chỉnh việc dùng mạng xã hội trong cơ quan, đơn vị",
        "2024-08-28",
        Status.DRAFT,
    )
    assert directive.versions.get().obligations.count() == 4

    client.post(reverse("directives:publish", args=[directive.pk]))
    directive.refresh_from_db()
    assert directive.status == Status.PUBLISHED

    detail = client.get(reverse("directives:detail", args=[directive.pk])).content.decode()
    assert "Nghi sai số hiệu: có thể là 874/QĐ-BTTTT" in detail
    assert "Mai Xuân Thành" in detail and "TỔNG CỤC TRƯỞNG" in detail


def test_pasted_text_goes_to_the_same_review_form(client, cast):
    client.force_login(cast.administrator)

    review = client.post(reverse("directives:import"), {"text": HA_TINH.read_text()})

    assert review.context["form"]["signer_name"].value() == "Đậu Tùng Lâm"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("trong.txt", b"", "Tập tin được gửi là rỗng."),
        ("nhiphan.txt", b"\x00\x01\x02\xff" * 50, "nhị phân"),
        ("bang-tinh.xlsx", b"PK\x03\x04", "Chỉ nhận tệp văn bản .txt, .docx, .doc, .odt, .rtf, .pdf hoặc ảnh chụp"),
        ("hong.docx", b"PK\x03\x04 not really a zip", "Không đọc được tệp .docx"),
        ("hong.pdf", b"%PDF-1.4 garbage", "PDF"),
    ],
)
def test_a_bad_file_gets_a_vietnamese_error_and_nothing_is_saved(client, cast, name, content, message):
    client.force_login(cast.administrator)

    page = upload(client, name=name, content=content).content.decode()

    assert message in page
    assert not Directive.objects.exists()


def test_a_file_over_the_limit_is_refused(client, cast, settings):
    settings.DIRECTIVE_MAX_UPLOAD_MB = 1
    client.force_login(cast.administrator)

    page = upload(client, name="lon.txt", content=b"a" * (1024 * 1024 + 1))

    assert "Tệp vượt quá giới hạn 1 MB." in page.content.decode()


def test_a_published_directive_cannot_be_edited_but_gets_a_new_version(client, cast, tax_letter):
    client.force_login(cast.administrator)

    edit = client.get(reverse("directives:edit", args=[tax_letter.pk]), follow=True)
    assert "Văn bản đã ban hành không được sửa" in edit.content.decode()

    text = tax_letter.versions.get().text + "\nBổ sung: báo cáo trước ngày 30/9/2024."
    client.post(
        reverse("directives:version_new", args=[tax_letter.pk]),
        {"text": text, "change_note": "Bổ sung thời hạn báo cáo", "is_material": "1"},
    )
    client.post(reverse("directives:publish", args=[tax_letter.pk]))

    diff = client.get(reverse("directives:diff", args=[tax_letter.pk]), {"from": 1, "to": 2}).content.decode()
    assert "<ins>+ Bổ sung: báo cáo trước ngày 30/9/2024.</ins>" in diff
    assert tax_letter.versions.filter(published_at__isnull=False).count() == 2


def test_an_administrator_attaches_a_question_to_a_draft(client, cast, org):
    directive = import_seed(HA_TINH, owner_unit=org.agency, by=cast.administrator, publish=False)
    client.force_login(cast.administrator)

    client.post(
        reverse("directives:question_new", args=[directive.pk]),
        {"prompt": "Có được đăng văn bản mật lên Zalo không?", "choices": "Có\nKhông", "answer": "2"},
    )

    question = directive.versions.get().questions.get()
    assert question.choices[question.answer] == "Không"


def test_the_list_searches_without_accents_and_filters(client, cast, org, tax_letter):
    import_seed(HA_TINH, owner_unit=org.agency, by=cast.administrator)
    client.force_login(cast.staff)

    found = client.get(reverse("directives:list"), {"q": "chan chinh"}).content.decode()
    by_year = client.get(reverse("directives:list"), {"year": "2023"}).content.decode()

    assert "chấn chỉnh việc dùng mạng xã hội" in found and "nâng cao trách nhiệm" not in found
    assert "nâng cao trách nhiệm" in by_year and "chấn chỉnh" not in by_year


# role, may see a published directive of the agency, may see a draft, may manage
ROLES = [
    ("staff", True, False, False),
    ("unit_head", True, False, False),
    ("inspector", True, False, False),
    ("administrator", True, True, True),
    ("outsider", False, False, False),
    ("superuser", True, True, True),
]


@pytest.mark.parametrize(("role", "sees_published", "sees_draft", "manages"), ROLES)
def test_who_sees_and_manages_directives(client, cast, org, tax_letter, role, sees_published, sees_draft, manages):
    draft = import_seed(HA_TINH, owner_unit=org.agency, by=cast.administrator, publish=False)
    client.force_login(getattr(cast, role))

    def status(name, directive):
        return client.get(reverse(name, args=[directive.pk])).status_code

    assert (status("directives:detail", tax_letter) == 200) is sees_published
    assert (status("directives:detail", draft) == 200) is sees_draft
    assert (status("directives:edit", draft) == 200) is manages
    assert (status("directives:question_new", draft) == 200) is manages
    assert (status("directives:version_new", tax_letter) == 200) is manages
    listed = client.get(reverse("directives:list")).content.decode()
    assert ("chấn chỉnh việc dùng mạng xã hội" in listed) is sees_published
    assert ("nâng cao trách nhiệm" in listed) is sees_draft
    publish = client.post(reverse("directives:publish", args=[draft.pk]))
    draft.refresh_from_db()
    assert (draft.status == Status.PUBLISHED) is manages
    if not manages:
        assert publish.status_code == 404


def test_only_administrators_reach_the_import_page(client, cast):
    for person in (cast.staff, cast.unit_head, cast.inspector):
        client.force_login(person)
        assert client.get(reverse("directives:import")).status_code == 403


def test_refusals_are_explained_in_vietnamese(client, cast, org):
    client.force_login(cast.staff)

    forbidden = client.get(reverse("directives:import")).content.decode()
    missing = client.get(reverse("directives:detail", args=[999999])).content.decode()

    assert "Không có quyền truy cập" in forbidden
    assert "Trang không tồn tại hoặc bạn không có quyền xem." in missing


@pytest.mark.parametrize(
    ("stored", "long", "short"),
    [
        ("2024-08-28", "ngày 28 tháng 8 năm 2024", "28/8/2024"),
        ("2019-11", "tháng 11 năm 2019", "11/2019"),
        ("2023", "năm 2023", "2023"),
    ],
)
def test_issue_dates_read_the_vietnamese_way(stored, long, short):
    from django.utils import translation

    from directives.templatetags.directive_tags import issued_on

    with translation.override("vi"):
        assert (issued_on(stored), issued_on(stored, "short")) == (long, short)


def test_the_detail_page_shows_the_place_and_date_as_on_paper(client, cast, tax_letter):
    client.force_login(cast.staff)

    page = client.get(reverse("directives:detail", args=[tax_letter.pk])).content.decode()

    assert "Hà Nội, ngày 28 tháng 8 năm 2024" in page


def test_the_directive_pages_speak_english_when_asked(client, cast, tax_letter):
    client.force_login(cast.staff)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})

    page = client.get(reverse("directives:detail", args=[tax_letter.pk])).content.decode()

    assert "Suspected wrong number: probably 874/QĐ-BTTTT" in page
    assert "Hà Nội, 28 August 2024" in page


@pytest.mark.parametrize("seed", sorted(p.name for p in TAX_LETTER.parent.glob("*.txt")))
def test_each_source_file_becomes_a_published_directive_without_retyping(client, cast, org, seed):
    client.force_login(cast.administrator)
    review = upload(client, TAX_LETTER.parent / seed)

    data = review_form(review.context)
    data["owner_unit"] = org.agency.pk
    saved = client.post(reverse("directives:import"), data)
    assert saved.status_code == 302, saved.context["form"].errors
    directive = Directive.objects.get()
    client.post(reverse("directives:publish", args=[directive.pk]))

    directive.refresh_from_db()
    assert directive.status == Status.PUBLISHED
    assert directive.signer_name and directive.subject and directive.versions.get().obligations.exists()


def test_publishing_asks_first_and_says_it_cannot_be_undone(client, cast, org):
    draft = import_seed(TAX_LETTER, owner_unit=org.agency, by=cast.administrator, publish=False)
    client.force_login(cast.administrator)
    detail = client.get(reverse("directives:detail", args=[draft.pk])).content.decode()

    asked = client.get(reverse("directives:publish", args=[draft.pk])).content.decode()

    assert f'href="{reverse("directives:publish", args=[draft.pk])}"' in detail
    assert "Ban hành phiên bản 1: sau khi ban hành, nội dung không sửa được nữa" in asked
    assert not draft.versions.filter(published_at__isnull=False).exists()
    client.post(reverse("directives:publish", args=[draft.pk]))
    assert draft.versions.filter(published_at__isnull=False).exists()


def test_a_new_version_does_not_preselect_the_kind_of_change(client, cast, tax_letter):
    client.force_login(cast.administrator)

    page = client.get(reverse("directives:version_new", args=[tax_letter.pk])).content.decode()
    empty = client.post(reverse("directives:version_new", args=[tax_letter.pk]), {"text": "x", "change_note": "y"})

    assert 'name="is_material" value="1" id="id_is_material_0" checked' not in page
    assert 'name="is_material"' in page and " checked" not in page.split('name="is_material"')[1][:40]
    assert "Chọn loại thay đổi: thay đổi nội dung hay sửa lỗi trình bày." in empty.content.decode()


def test_the_review_form_takes_the_owner_from_the_issuer_and_shows_dates_the_vietnamese_way(client, cast, org):
    from tests.factories import UnitFactory

    tax = UnitFactory(name="Tổng cục Thuế", code="TCT", parent=org.agency)
    client.force_login(cast.administrator)

    page = client.post(reverse("directives:import"), {"text": TAX_LETTER.read_text()}).content.decode()

    assert f'<option value="{tax.pk}" selected>' in page
    assert 'name="issued_on" value="28/8/2024"' in page
    assert "Quyết định 847/QĐ-BTTTT (17/6/2021)" in page


def test_an_import_of_a_directive_already_here_links_it_and_offers_a_new_version(client, cast, tax_letter):
    client.force_login(cast.administrator)
    text = TAX_LETTER.read_text()

    review = client.post(reverse("directives:import"), {"text": text}).content.decode()
    saved = client.post(reverse("directives:import"), {
        "review": "1", "owner_unit": tax_letter.owner_unit_id, "doc_type": tax_letter.doc_type,
        "number": tax_letter.number, "symbol": tax_letter.symbol, "subject": "Bản nhập lại", "text": text,
    }).content.decode()  # fmt: skip
    offered = client.post(reverse("directives:version_new", args=[tax_letter.pk]), {"prefill": "1", "text": text})

    detail = reverse("directives:detail", args=[tax_letter.pk])
    assert "có thể là 874/QĐ-BTTTT" in saved, "the importer's findings stay on the page sent back"
    for page in (review, saved):
        assert "Văn bản này đã có trong cổng" in page and f'href="{detail}"' in page
        assert "Tạo phiên bản mới của văn bản này từ nội dung vừa nhập" in page
    assert Directive.objects.count() == 1
    assert offered.status_code == 200 and tax_letter.versions.count() == 1
    assert offered.context["form"]["text"].value() == text
