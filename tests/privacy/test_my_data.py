""" "What the portal holds about me": each signed-in person downloads their own
records, and nothing that identifies a protected reporter."""

import io
import json
import zipfile

import pytest
from django.urls import reverse

from core.models import AuditEvent
from tests.violations.conftest import png_upload
from violations import services, workflow
from violations.models import State

ROLES = ["staff", "unit_head", "inspector", "administrator", "outsider", "superuser", "anonymous"]


def _download(client) -> dict:
    response = client.get(reverse("privacy:my_data_download"))
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        return {name: json.loads(archive.read(name)) for name in archive.namelist()}


@pytest.mark.parametrize("role", ROLES)
def test_every_signed_in_person_gets_the_page_and_only_their_own_profile(client, cast, role):
    user = getattr(cast, role, None)
    if user is not None:
        client.force_login(user)

    page = client.get(reverse("privacy:my_data"))
    download = client.get(reverse("privacy:my_data_download"))

    assert (page.status_code, download.status_code) == ((302, 302) if user is None else (200, 200))
    if user is not None:
        files = _download(client)
        assert sorted(files) == [
            "account_incidents.json", "acknowledgements.json", "assignments.json", "audit.json",
            "cases_about_me.json", "post_requests.json", "profile.json", "reports_filed.json",
        ]  # fmt: skip
        assert files["profile.json"]["email"] == user.email
        everyone = {"canbo", "truongphong", "thanhtra", "quantri", "nguoingoai", "sieuquantri"}
        others = {f"{name}@example.gov.vn" for name in everyone} - {user.email}
        assert not any(f'"{address}"' in json.dumps(files, ensure_ascii=False) for address in others)


def test_the_person_reported_sees_their_case_without_the_confidential_reporter(client, cast, colleague, case):
    for to in (State.UNDER_REVIEW, State.HEARING):
        services.report_transition(report=case, to=to, by=cast.unit_head, role=workflow.REVIEWER)
    services.report_explain(
        report=case, by=cast.staff, text="Tôi đã gỡ ảnh ngay.", files=[png_upload("giai-trinh.png")]
    )
    client.force_login(cast.staff)

    files = _download(client)

    [about] = files["cases_about_me.json"]
    assert (about["id"], about["state"], about["category"]) == (case.pk, "Đang nghe giải trình", "Bí mật nhà nước")
    assert [e["name"] for e in about["evidence"]] == ["giai-trinh.png"]  # not the reporter's screenshot
    assert "Tôi đã gỡ ảnh ngay." in [line["text"] for line in about["history"]]
    text = json.dumps(files, ensure_ascii=False)
    assert "Ngô Đồng Nghiệp" not in text and "dongnghiep@example.gov.vn" not in text
    assert files["reports_filed.json"] == []


def test_the_confidential_reporter_finds_the_case_they_filed(client, colleague, case):
    client.force_login(colleague)

    files = _download(client)

    assert [r["id"] for r in files["reports_filed.json"]] == [case.pk]
    assert files["reports_filed.json"][0]["subject"] == "Lê Thị Cán Bộ"
    assert files["cases_about_me.json"] == []


def test_a_case_before_the_hearing_is_not_in_the_persons_download(client, cast, case):
    client.force_login(cast.staff)

    assert _download(client)["cases_about_me.json"] == []


def test_the_acknowledgements_and_assignments_are_in_the_download_and_it_is_audited(client, cast, campaign):
    client.force_login(cast.staff)

    files = _download(client)

    assert [(a["directive"], a["version"]) for a in files["assignments.json"]] == [("3821/TCT-KTNB", 1)]
    assert files["acknowledgements.json"] == []
    assert AuditEvent.objects.filter(action="export", actor=cast.staff, target="privacy.my_data").count() == 1


def test_the_page_says_how_long_each_kind_is_kept(client, cast):
    client.force_login(cast.staff)

    page = client.get(reverse("privacy:my_data")).content.decode()

    assert "<td>Phản ánh ẩn danh</td><td>1 năm</td>" in page
    assert "<td>Hồ sơ vi phạm kết thúc bằng hình thức kỷ luật</td><td>10 năm</td>" in page
    assert "tối thiểu; không xóa để giữ chuỗi xác thực" in page


@pytest.mark.parametrize(("role", "holds_link"), [("staff", False), ("inspector", True), ("administrator", True)])
def test_the_home_page_links_the_download_and_for_inspectors_the_holds(client, cast, role, holds_link):
    client.force_login(getattr(cast, role))

    page = client.get(reverse("home")).content.decode()

    assert 'href="/privacy/my-data/">Dữ liệu Cổng lưu về tôi (xem và tải về)</a>' in page
    assert ('href="/privacy/holds/"' in page) is holds_link
