"""Drafts, publishing and versions: a published text never changes."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from directives import services
from directives.models import Directive, Reference, Status, Version
from tests.directives.seeds import HA_TINH, TAX_LETTER, import_seed


def test_an_import_is_saved_as_a_draft_with_its_obligations_and_references(cast, org):
    directive = import_seed(TAX_LETTER, owner_unit=org.agency, by=cast.administrator, publish=False)

    version = directive.versions.get()
    assert (directive.code, directive.status, version.published_at) == ("3821/TCT-KTNB", Status.DRAFT, None)
    assert version.sha256 == Version.digest(version.text) and len(version.sha256) == 64
    assert [o.label for o in version.obligations.all()] == ["1", "2", "3", "4"]
    reference = version.references.get()
    assert (reference.code, reference.resolved_code, reference.suggestion) == ("847/QĐ-BTTTT", "", "874/QĐ-BTTTT")


def test_publishing_twice_publishes_once(cast, tax_letter):
    version = tax_letter.versions.get()
    first_time = version.published_at

    assert services.version_publish(version=version, by=cast.administrator) is False
    version.refresh_from_db()
    assert version.published_at == first_time
    assert Directive.objects.get(pk=tax_letter.pk).status == Status.PUBLISHED


def test_a_published_version_is_never_edited(tax_letter):
    draft, _ = services.draft_from_text(TAX_LETTER.read_text())

    with pytest.raises(ValidationError, match="hãy tạo phiên bản mới"):
        services.directive_update(directive=tax_letter, draft=draft)


def test_a_change_is_a_new_version_marked_material_or_editorial(cast, tax_letter):
    text = tax_letter.versions.get().text.replace("Thời gian vừa qua", "Thời gian gần đây")

    version = services.version_create(directive=tax_letter, text=text, change_note="Sửa câu mở đầu", is_material=False)

    assert (version.number, version.is_material, version.is_published) == (2, False, False)
    assert version.obligations.count() == 4
    services.version_publish(version=version, by=cast.administrator)
    assert list(tax_letter.versions.values_list("number", flat=True)) == [1, 2]


def test_a_new_version_needs_a_change_and_a_note(tax_letter):
    same = tax_letter.versions.get().text
    with pytest.raises(ValidationError, match="giống hệt"):
        services.version_create(directive=tax_letter, text=same, change_note="x", is_material=True)
    with pytest.raises(ValidationError, match="nội dung thay đổi"):
        services.version_create(directive=tax_letter, text=same + " ", change_note=" ", is_material=True)


def test_the_database_allows_one_draft_version_and_unique_codes(cast, org, tax_letter):
    Version.objects.create(directive=tax_letter, number=2, text="a", sha256=Version.digest("a"))
    with pytest.raises(IntegrityError), transaction.atomic():
        Version.objects.create(directive=tax_letter, number=3, text="b", sha256=Version.digest("b"))
    with pytest.raises(IntegrityError), transaction.atomic():
        Directive.objects.create(owner_unit=org.agency, number="3821", symbol="TCT-KTNB", subject="trùng số")


def test_importing_the_same_numbered_letter_twice_is_refused_in_vietnamese(cast, org, tax_letter):
    with pytest.raises(ValidationError) as caught:
        import_seed(TAX_LETTER, owner_unit=org.agency, by=cast.administrator)

    assert caught.value.messages == ["Đã tồn tại văn bản có cùng số và ký hiệu."]


def test_a_reference_to_a_stored_directive_links_to_it(cast, org, tax_letter):
    letter = (
        "Số: 12/STTTT-VP\nV/v thực hiện Công văn số 3821/TCT-KTNB\nHà Tĩnh, ngày 2 tháng 9 năm 2024\n"
        "Kính gửi: Các phòng\n1. Thực hiện Công văn số 3821/TCT-KTNB ngày 28/8/2024 của Tổng cục Thuế.\n"
    )
    draft, _ = services.draft_from_text(letter)

    directive = services.directive_create(draft=draft, owner_unit=org.agency, by=cast.administrator)

    reference = Reference.objects.get(version__directive=directive, code="3821/TCT-KTNB")
    assert reference.resolved_directive == tax_letter


def test_questions_go_on_draft_versions_only(cast, org, tax_letter):
    draft = import_seed(HA_TINH, owner_unit=org.agency, by=cast.administrator, publish=False).versions.get()

    question = services.question_add(
        version=draft, prompt="Được dùng mạng xã hội trong giờ làm việc không?", choices=["Có", "Không"], answer=1
    )

    assert (question.position, question.choices[question.answer]) == (0, "Không")
    with pytest.raises(ValidationError, match="đã ban hành"):
        services.question_add(version=tax_letter.versions.get(), prompt="?", choices=["a", "b"], answer=0)
    with pytest.raises(ValidationError, match="ít nhất hai"):
        services.question_add(version=draft, prompt="Một phương án?", choices=["a"], answer=0)
