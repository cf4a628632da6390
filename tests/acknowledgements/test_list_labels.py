"""What the staff list and the unit page say about each row (issue 16, items 12 and 13)."""

import datetime

from acknowledgements import services
from acknowledgements.models import Assignment
from directives import services as directive_services


def test_after_a_material_new_version_the_staff_list_names_each_version_and_marks_the_old_one(
    client, cast, campaign, tax_letter
):
    services.acknowledgement_record(
        assignment=Assignment.objects.get(person=cast.staff), by=cast.staff, request_meta={}
    )
    version = directive_services.version_create(
        directive=tax_letter, text=tax_letter.versions.get().text + "\n\n5. Báo cáo hằng tháng.",
        change_note="Thêm nghĩa vụ báo cáo.", is_material=True, by=cast.administrator,
    )  # fmt: skip
    directive_services.version_publish(version=version, by=cast.administrator)
    client.force_login(cast.staff)

    page = client.get("/acknowledgements/").content.decode()

    assert page.count("phiên bản 1</span>") == 1
    assert page.count("phiên bản 2</span>") == 1
    assert "(đã có phiên bản 2 thay thế)" in page


def test_each_remind_button_on_the_unit_page_names_its_person(client, cast, org, tax_letter):
    services.campaign_launch(
        directive=tax_letter, targets=[(org.department, True)],
        due_on=datetime.date.today() - datetime.timedelta(days=1), by=cast.administrator,
    )  # fmt: skip
    client.force_login(cast.unit_head)

    page = client.get(f"/acknowledgements/unit/?unit={org.department.pk}").content.decode()

    assert 'Nhắc<span class="visually-hidden"> Lê Thị Cán Bộ</span></button>' in page
    assert 'Xác nhận thay<span class="visually-hidden"> Lê Thị Cán Bộ</span></a>' in page
