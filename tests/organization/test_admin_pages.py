"""The admin speaks as the portal (issue 16, item 17): its title, named controls on the
grants, and an import page with a sample file and the staff kinds it accepts."""

from django.urls import reverse

from organization import services
from organization.models import Person


def test_admin_pages_carry_the_portals_name_in_the_title_and_header(client, cast, settings):
    settings.PORTAL_NAME = "Cổng quy tắc ứng xử Sở TTTT"
    client.force_login(cast.administrator)

    page = client.get(reverse("admin:organization_person_changelist")).content.decode()

    assert "| Cổng quy tắc ứng xử Sở TTTT</title>" in page
    assert "Quản trị Cổng quy tắc ứng xử Sở TTTT</a>" in page


def test_the_grant_inline_names_its_role_select_and_its_revoke_box(client, cast):
    client.force_login(cast.administrator)

    page = client.get(reverse("admin:organization_person_change", args=[cast.unit_head.pk])).content.decode()

    assert 'name="grants-0-role" aria-label="Vai trò"' in page
    assert 'aria-label="Thu hồi vai trò này"' in page
    assert 'name="grants-0-granted_at"' not in page  # shown, not edited


def test_the_grant_form_names_its_empty_autocomplete_boxes(client, cast):
    client.force_login(cast.administrator)

    page = client.get(reverse("admin:organization_rolegrant_add")).content.decode()

    assert 'data-placeholder="Chọn cán bộ"' in page
    assert 'data-placeholder="Chọn đơn vị"' in page


def test_the_import_page_lists_the_staff_kinds_and_offers_a_sample_the_import_accepts(client, cast, org):
    client.force_login(cast.administrator)

    page = client.get(reverse("admin:organization_person_import")).content.decode()
    sample = client.get(reverse("admin:organization_person_import_sample"))

    assert "<code>cc</code> – Công chức" in page
    assert "<code>nld</code> – Người lao động" in page
    assert 'href="/admin/organization/person/import/sample.csv" download>Tải tệp mẫu (CSV)</a>' in page
    assert sample["Content-Disposition"] == 'attachment; filename="mau-nhap-can-bo.csv"'
    assert services.staff_import_csv(content=sample.content, by=cast.administrator).ok
    assert Person.objects.get(email="tran.thi.b@example.gov.vn").unit == org.agency


def test_the_admin_s_own_buttons_and_actions_say_what_they_do(client, cast):
    client.force_login(cast.administrator)

    people = client.get(reverse("admin:organization_person_changelist")).content.decode()
    import_page = client.get(reverse("admin:organization_person_import")).content.decode()
    person = client.get(reverse("admin:organization_person_change", args=[cast.staff.pk])).content.decode()

    assert '<option value="send_invitations">Gửi lại thư mời đặt mật khẩu</option>' in people
    assert ">Nhập từ tệp CSV</a>" in people
    assert 'type="submit" value="Nhập danh sách cán bộ"' in import_page
    assert 'value="Lưu"' in person and 'value="Lưu và thêm mới"' in person


def test_the_import_sent_without_a_file_says_which_file_to_choose(client, cast):
    client.force_login(cast.administrator)

    page = client.post(reverse("admin:organization_person_import"), {}).content.decode()

    assert '<form method="post" enctype="multipart/form-data" novalidate>' in page
    assert "Chọn tệp CSV danh sách cán bộ (có thể tải tệp mẫu ở trên)." in page
    assert "Trường này là bắt buộc." not in page
