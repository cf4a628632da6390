"""An administrator imports staff from a CSV file: all rows or none."""

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from organization import services
from organization.models import Person, StaffKind

HEADER = "email,full_name,position,staff_kind,unit_code\n"


def csv_bytes(*rows: str) -> bytes:
    return (HEADER + "\n".join(rows) + "\n").encode("utf-8")


def test_a_good_file_creates_everyone_in_their_units(org):
    content = csv_bytes(
        "an.nguyen@example.gov.vn,Nguyễn Văn An,Chuyên viên,công chức,TBC",
        "binh.tran@example.gov.vn,Trần Thị Bình,Nhân viên,nld,PBC",
    )

    result = services.staff_import_csv(content=content)

    assert result.ok and result.created == 2
    binh = Person.objects.get(email="binh.tran@example.gov.vn")
    assert (binh.full_name, binh.unit, binh.staff_kind) == ("Trần Thị Bình", org.department, StaffKind.WORKER)
    assert not binh.has_usable_password()  # they set one through the reset e-mail


def test_every_bad_row_is_reported_with_its_line_and_nothing_is_saved(org):
    content = csv_bytes(
        "ok@example.gov.vn,Người Tốt,Chuyên viên,cc,TBC",
        "not-an-email,Người Sai,Chuyên viên,cc,TBC",
        "ghost@example.gov.vn,Người Ma,Chuyên viên,cc,KHONGCO",
        "ok@example.gov.vn,Trùng Lặp,Chuyên viên,cc,TBC",
        "kind@example.gov.vn,,Chuyên viên,giám đốc,TBC",
    )

    result = services.staff_import_csv(content=content)

    messages = [str(error) for error in result.errors]
    assert messages == [
        "Dòng 3: e-mail “not-an-email” không hợp lệ.",
        "Dòng 4: không có đơn vị mã “KHONGCO” trong phạm vi quản lý.",
        "Dòng 5: e-mail ok@example.gov.vn trùng với dòng 2.",
        "Dòng 6: thiếu họ và tên.",
        "Dòng 6: loại cán bộ “giám đốc” không hợp lệ (cán bộ, công chức, viên chức, người lao động).",
    ]
    assert not Person.objects.filter(email="ok@example.gov.vn").exists()


def test_an_existing_person_is_updated_not_duplicated(cast, org):
    content = csv_bytes("CANBO@example.gov.vn,Lê  Thị Cán Bộ,Phó trưởng phòng,cc,TBC")

    result = services.staff_import_csv(content=content)

    assert (result.created, result.updated) == (0, 1)
    cast.staff.refresh_from_db()
    assert (cast.staff.position, cast.staff.unit) == ("Phó trưởng phòng", org.team)


def test_a_row_that_would_turn_an_account_into_someone_else_waits_for_confirmation(cast, org):
    content = csv_bytes("canbo@example.gov.vn,Ngô Văn Mới,Chuyên viên,cc,PBC")

    result = services.staff_import_csv(content=content)

    assert [str(e) for e in result.errors] == [
        "Dòng 2: canbo@example.gov.vn đang là tài khoản của Lê Thị Cán Bộ (Tổ Báo chí); tệp ghi Ngô Văn Mới "
        "(Phòng Bưu chính). Hãy kiểm tra rồi xác nhận nếu đúng là cùng một người."
    ]
    cast.staff.refresh_from_db()
    assert (cast.staff.full_name, cast.staff.unit) == ("Lê Thị Cán Bộ", org.team)


def test_a_move_confirmed_by_the_administrator_is_applied(cast, org):
    content = csv_bytes("canbo@example.gov.vn,Lê Thị Cán Bộ,Phó trưởng phòng,cc,PBC")

    result = services.staff_import_csv(content=content, by=cast.administrator, confirm=True)

    assert (result.created, result.updated) == (0, 1)
    cast.staff.refresh_from_db()
    assert (cast.staff.position, cast.staff.unit) == ("Phó trưởng phòng", org.department)


def test_a_missing_column_or_wrong_encoding_is_refused(org):
    no_unit = services.staff_import_csv(content=b"email,full_name,position,staff_kind\n")
    latin = services.staff_import_csv(
        content=csv_bytes("a@example.gov.vn,Nguyễn An,x,cc,TBC").decode().encode("utf-16")
    )

    assert [str(e) for e in no_unit.errors] == ["Dòng 1: thiếu cột: unit_code."]
    assert [str(e) for e in latin.errors] == ["Dòng 1: Tệp CSV phải được lưu với mã hóa UTF-8."]


def test_an_administrator_cannot_import_into_or_over_another_agency(cast, org):
    content = csv_bytes(
        "moi@example.gov.vn,Người Mới,Chuyên viên,cc,STP",
        "nguoingoai@example.gov.vn,Vũ Người Ngoài,Chuyên viên,cc,TBC",
    )

    result = services.staff_import_csv(content=content, by=cast.administrator)

    assert [str(e) for e in result.errors] == [
        "Dòng 2: không có đơn vị mã “STP” trong phạm vi quản lý.",
        "Dòng 3: nguoingoai@example.gov.vn thuộc đơn vị ngoài phạm vi quản lý của bạn.",
    ]
    cast.outsider.refresh_from_db()
    assert cast.outsider.unit == org.other_agency


def test_the_command_reports_bad_rows_and_saves_nothing(org, tmp_path, capsys):
    path = tmp_path / "staff.csv"
    path.write_bytes(csv_bytes("a@example.gov.vn,Nguyễn An,x,cc,TBC", "b@example.gov.vn,Lý Bê,x,cc,NOPE"))

    with pytest.raises(CommandError, match="1 lỗi"):
        call_command("import_staff", str(path))

    assert "Dòng 3: không có đơn vị mã “NOPE”" in capsys.readouterr().err
    assert not Person.objects.filter(email="a@example.gov.vn").exists()


def test_the_command_imports_a_good_file(org, tmp_path, capsys):
    path = tmp_path / "staff.csv"
    path.write_bytes(b"\xef\xbb\xbf" + csv_bytes("a@example.gov.vn,Nguyễn An,x,viên chức,TBC"))

    call_command("import_staff", str(path))

    assert "1 cán bộ mới" in capsys.readouterr().out
    assert Person.objects.get(email="a@example.gov.vn").staff_kind == StaffKind.PUBLIC_EMPLOYEE


def test_an_administrator_uploads_the_file_in_the_admin(client, cast):
    client.force_login(cast.administrator)
    upload = csv_bytes("a@example.gov.vn,Nguyễn An,x,cc,TBC", "b@example.gov.vn,Lý Bê,x,cc,STP")

    from django.core.files.uploadedfile import SimpleUploadedFile

    page = client.post(reverse("admin:organization_person_import"), {"file": SimpleUploadedFile("staff.csv", upload)})

    assert "Dòng 3: không có đơn vị mã “STP” trong phạm vi quản lý." in page.content.decode()
    assert not Person.objects.filter(email="a@example.gov.vn").exists()

    done = client.post(
        reverse("admin:organization_person_import"),
        {"file": SimpleUploadedFile("staff.csv", csv_bytes("a@example.gov.vn,Nguyễn An,x,cc,TBC"))},
        follow=True,
    )
    assert "Đã nhập: 1 cán bộ mới, 0 cập nhật." in done.content.decode()


def test_the_import_page_is_not_for_unit_heads(client, cast):
    client.force_login(cast.unit_head)

    response = client.get(reverse("admin:organization_person_import"))

    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_a_value_too_long_for_its_column_is_a_row_error_not_a_crash(org):
    content = csv_bytes("dai@example.gov.vn," + "Nguyễn " * 40 + ",Chuyên viên,cc,TBC")

    result = services.staff_import_csv(content=content)

    assert [str(e) for e in result.errors] == ["Dòng 2: họ và tên dài 279 ký tự, tối đa 150."]
    assert not Person.objects.filter(email="dai@example.gov.vn").exists()


# People without an address (drivers, guards): no e-mail, no login


def test_a_row_without_an_email_creates_a_person_without_a_login(org):
    content = csv_bytes("canbo@example.gov.vn,Lê Thị Cán Bộ,Chuyên viên,cc,TBC", ",Phạm Văn Lái,Lái xe,nld,TBC")

    result = services.staff_import_csv(content=content)

    assert (result.ok, result.created) == (True, 2)
    driver = Person.objects.get(full_name="Phạm Văn Lái")
    assert (driver.email, driver.has_usable_password(), driver.unit.code, driver.staff_kind) == (
        None, False, "TBC", "nld",
    )  # fmt: skip


def test_two_people_without_an_email_do_not_collide(org):
    content = csv_bytes(",Phạm Văn Lái,Lái xe,nld,TBC", ",Hồ Văn Bảo,Bảo vệ,nld,TBC")

    result = services.staff_import_csv(content=content)

    assert result.created == 2
    assert Person.objects.filter(email__isnull=True).count() == 2


def test_a_person_without_an_email_already_there_waits_for_confirmation(org):
    services.staff_import_csv(content=csv_bytes(",Phạm Văn Lái,Lái xe,nld,TBC"))

    again = services.staff_import_csv(content=csv_bytes(",Phạm  văn Lái,Lái xe,nld,TBC,"))

    assert [str(error) for error in again.conflicts] == [
        "Dòng 2: đã có Phạm Văn Lái (Lái xe, Tổ Báo chí) không có e-mail. "
        "Hãy kiểm tra rồi xác nhận nếu đúng là cùng một người."
    ]
    assert Person.objects.filter(email__isnull=True).count() == 1


def test_a_confirmed_person_without_an_email_is_updated_not_duplicated(org):
    services.staff_import_csv(content=csv_bytes(",Phạm Văn Lái,Lái xe,nld,TBC"))

    result = services.staff_import_csv(content=csv_bytes(",Phạm Văn Lái,Lái xe,cc,TBC"), confirm=True)

    assert (result.created, result.updated) == (0, 1)
    assert list(Person.objects.filter(email__isnull=True).values_list("staff_kind", flat=True)) == ["cc"]


def test_the_same_name_in_another_position_is_another_person(org):
    services.staff_import_csv(content=csv_bytes(",Phạm Văn Lái,Lái xe,nld,TBC"))

    result = services.staff_import_csv(content=csv_bytes(",Phạm Văn Lái,Bảo vệ,nld,TBC"))

    assert (result.ok, result.created) == (True, 1)
    assert Person.objects.filter(full_name="Phạm Văn Lái").count() == 2


def test_the_same_person_without_an_email_twice_in_a_file_is_refused(org):
    result = services.staff_import_csv(
        content=csv_bytes(",Phạm Văn Lái,Lái xe,nld,TBC", ",Phạm Văn Lái,Lái xe,nld,TBC")
    )

    assert [str(error) for error in result.errors] == [
        "Dòng 3: người không có e-mail trùng họ tên, chức vụ và đơn vị với dòng 2."
    ]
    assert not Person.objects.exists()
