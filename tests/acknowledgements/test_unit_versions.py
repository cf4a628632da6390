"""After a material new version the head's list of the unit names each row's version,
and the staff member's acknowledged row of version 1 says that version 2 replaced it:
not two rows that look the same."""

from django.urls import reverse

from acknowledgements import services
from acknowledgements.models import Assignment
from directives import services as directive_services
from tests.acknowledgements.conftest import META


def test_after_a_material_version_the_unit_list_names_each_version_and_marks_the_replaced_one(
    client, cast, campaign, tax_letter
):
    services.acknowledgement_record(
        assignment=Assignment.objects.get(person=cast.staff), by=cast.staff, request_meta=META
    )
    material = directive_services.version_create(
        directive=tax_letter, text=tax_letter.versions.get().text + "\n5. Báo cáo hằng quý.",
        change_note="Thêm nhiệm vụ 5", is_material=True,
    )  # fmt: skip
    directive_services.version_publish(version=material, by=cast.administrator)
    client.force_login(cast.unit_head)

    page = client.get(reverse("acknowledgements:unit")).content.decode()

    assert page.count("Lê Thị Cán Bộ</td>") == 2
    assert page.count("· phiên bản 2</span></td>") == 2  # the staff member and the head, to acknowledge
    assert page.count('· phiên bản 1</span> <strong class="flag">(đã có phiên bản 2 thay thế)</strong>') == 1
