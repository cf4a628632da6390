"""The admin reads as plain Vietnamese: our catalogue in locale/vi replaces Django's
phrases that read badly ("Thoát", "Đi đến", "Thêm vào cán bộ") and the English ones
screen readers would read out."""

from django.urls import reverse


def test_the_superuser_sees_the_admin_index_in_plain_vietnamese(client, cast):
    client.force_login(cast.superuser)

    page = client.get(reverse("admin:index")).content.decode()

    assert '<html lang="vi"' in page
    assert "Đăng xuất" in page and "Thoát" not in page
    assert '<th scope="col">Tên mục</th>' in page
    assert '<th scope="col">Liên kết thêm mới</th>' in page
    assert '<th scope="col">Liên kết sửa hoặc xem danh sách</th>' in page
    assert "Đổi giao diện (hiện tại: tự động)" in page
    assert "Toggle theme" not in page


def test_the_superuser_sees_the_staff_list_with_vietnamese_actions(client, cast):
    client.force_login(cast.superuser)

    page = client.get(reverse("admin:organization_person_changelist")).content.decode()

    assert "Đăng xuất" in page
    assert "Chọn cán bộ để sửa" in page
    assert "Thêm cán bộ" in page and "Thêm vào" not in page
    assert "Thao tác:" in page
    assert 'title="Thực hiện thao tác đã chọn"' in page
    assert ">Thực hiện</button>" in page and "Đi đến" not in page


def test_the_superuser_sees_the_change_history_link_on_a_person(client, cast):
    client.force_login(cast.superuser)

    page = client.get(reverse("admin:organization_person_change", args=[cast.staff.pk])).content.decode()

    assert "Lịch sử thay đổi" in page
