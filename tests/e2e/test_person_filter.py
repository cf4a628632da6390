"""A unit head finds the person to report by typing part of a name (issue 16 §9):
the box above the list of their people keeps only the names that contain it."""

import pytest

from tests.e2e.conftest import log_in
from tests.e2e.test_accessibility import AXE_OPTIONS
from tests.factories import PersonFactory
from violations.models import Report
from violations.rule_data import load_rule_sets

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_head_types_part_of_a_name_picks_the_person_and_files_the_case(page, cast, org):
    from axe_playwright_python.sync_playwright import Axe

    load_rule_sets()  # a transactional test's database was flushed after its migrations
    PersonFactory(full_name="Nguyễn Văn Bình", email="binh@example.gov.vn", unit=org.team)
    PersonFactory(full_name="Hoàng Thị Cúc", email="cuc@example.gov.vn", unit=org.department)

    log_in(page, cast.unit_head.email, cast.password)
    page.goto("/violations/new/")
    page.get_by_label("Lọc danh sách theo tên (gõ một phần của tên)").fill("cán")

    visible = page.locator("#id_person option:not([hidden])")
    assert visible.all_inner_texts() == ["Lê Thị Cán Bộ – Chuyên viên"]
    assert page.get_by_role("status").filter(has_text="Số người khớp").inner_text() == "Số người khớp: 1"
    assert Axe().run(page, options=AXE_OPTIONS).response["violations"] == []
    page.get_by_role("option", name="Lê Thị Cán Bộ – Chuyên viên").click()
    page.get_by_label("Loại vi phạm:").select_option(label="Bí mật nhà nước")
    page.get_by_label("Nền tảng:").select_option(label="Zalo")
    page.get_by_label("Thời điểm phát hiện:").fill("2026-01-05T09:30")
    page.get_by_label("Mô tả:").fill("Đăng ảnh văn bản mật lên nhóm Zalo.")
    page.get_by_role("button", name="Gửi phản ánh").click()

    page.wait_for_url("**/violations/*/")
    assert Report.objects.get().subject == cast.staff


def test_typing_a_name_without_its_accents_finds_it_and_an_empty_box_shows_everyone(page, cast, org):
    PersonFactory(full_name="Nguyễn Văn Bình", email="binh@example.gov.vn", unit=org.team)

    log_in(page, cast.unit_head.email, cast.password)
    page.goto("/violations/new/")
    box = page.get_by_label("Lọc danh sách theo tên (gõ một phần của tên)")
    box.fill("nguyen van b")
    assert page.locator("#id_person option:not([hidden])").all_inner_texts() == ["Nguyễn Văn Bình – Chuyên viên"]

    box.fill("")
    assert page.locator("#id_person option:not([hidden])").all_inner_texts() == [
        "— Chọn người —", "Lê Thị Cán Bộ – Chuyên viên", "Nguyễn Văn Bình – Chuyên viên",
    ]  # fmt: skip
