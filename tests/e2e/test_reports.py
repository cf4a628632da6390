import pytest

from acknowledgements import services
from tests.e2e.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_inspector_filters_to_a_unit_and_downloads_the_workbook(page, cast, org, campaign, tmp_path):
    import openpyxl

    services.acknowledgement_record(
        assignment=campaign.assignments.get(person=cast.staff), by=cast.staff, request_meta={}
    )
    log_in(page, cast.inspector.email, cast.password)
    page.get_by_role("link", name="Báo cáo", exact=True).click()
    page.get_by_role("combobox", name="Đơn vị").select_option(label="Phòng Bưu chính")
    page.get_by_role("button", name="Xem").click()

    assert "unit=PBC" in page.url
    assert page.get_by_role("heading", level=1).inner_text() == "Tình hình thực hiện: Phòng Bưu chính"
    with page.expect_download() as download:
        page.get_by_role("link", name="Báo cáo Excel (XLSX)").click()
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)

    workbook = openpyxl.load_workbook(path)
    people = [row[3] for row in workbook["Cán bộ"].iter_rows(min_row=2, values_only=True)]
    assert sorted(people) == ["Lê Thị Cán Bộ", "Trần Văn Trưởng"]
    assert path.name.startswith("bao-cao-summary-PBC")
