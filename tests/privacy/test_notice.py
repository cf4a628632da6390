"""The privacy notice (what is stored, why, how long, who sees it) is one include,
on every page where someone reports and on the acknowledgement reading page."""

import pytest
from django.urls import reverse

NOTICE = '<aside class="privacy-notice" aria-label="Thông báo xử lý dữ liệu cá nhân">'

# page, who opens it (None: without an account)
PAGES = [
    ("violations:new", "staff"),
    ("violations:anonymous", None),
    ("violations:anonymous_follow_up", None),
    ("violations:monitoring_new", "inspector"),
    ("violations:denunciation_new", "unit_head"),
    ("social:incident_new", "staff"),
]


@pytest.mark.parametrize(("view", "who"), PAGES)
def test_each_reporting_page_carries_the_privacy_notice(client, cast, view, who):
    if who:
        client.force_login(getattr(cast, who))

    page = client.get(reverse(view)).content.decode()

    assert page.count(NOTICE) == 1
    assert "Luật Bảo vệ dữ liệu cá nhân số 91/2025/QH15" in page
    assert "chỉ người được giao giải quyết tố cáo của đơn vị được xem" in page
    assert "<td>Phản ánh ẩn danh</td><td>1 năm</td>" in page
    assert ('href="/privacy/my-data/"' in page) is bool(who)


def test_the_acknowledgement_page_carries_it_too(client, cast, campaign):
    assignment = campaign.assignments.get(person=cast.staff)
    client.force_login(cast.staff)

    page = client.get(reverse("acknowledgements:read", args=[assignment.pk])).content.decode()

    assert page.count(NOTICE) == 1
    assert "địa chỉ IP, trình duyệt và mã băm SHA-256 của đúng văn bản bạn đã đọc" in page
