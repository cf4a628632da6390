"""Who may open the pages of sessions, check-in and acknowledgements on behalf: the
literal matrix of role × in / out of scope × anonymous."""

import pytest
from django.urls import reverse
from django.utils import timezone

from acknowledgements import meetings
from acknowledgements.models import Assignment
from tests.acknowledgements.test_meetings import scan

ROLES = ("anonymous", "staff", "unit_head", "inspector", "administrator", "outsider", "superuser")


@pytest.fixture
def planned(cast, org, campaign):
    return meetings.meeting_plan(
        by=cast.unit_head, campaigns=[campaign], units=[org.department], held_at=timezone.now(),
        place="Phòng họp", chair="Trần Văn Trưởng", select_all=True,
    )  # fmt: skip


def status(client, cast, role, url):
    if role != "anonymous":
        client.force_login(getattr(cast, role))
    return client.get(url).status_code


MATRIX = {
    # page: statuses in the order of ROLES
    "meetings": (302, 403, 200, 200, 200, 200, 200),
    "meeting_new": (302, 403, 200, 403, 200, 200, 200),
    "meeting": (302, 404, 200, 200, 200, 404, 200),
    "meeting_sheet": (302, 404, 200, 200, 200, 404, 200),
    "meeting_record": (302, 404, 200, 404, 200, 404, 200),
    "meeting_checkin": (302, 200, 200, 404, 404, 404, 404),
    "on_behalf": (302, 404, 200, 404, 404, 404, 200),
}


def url_of(page, planned, cast):
    if page in ("meetings", "meeting_new"):
        return reverse(f"acknowledgements:{page}")
    if page == "on_behalf":
        return reverse("acknowledgements:on_behalf", args=[Assignment.objects.get(person=cast.staff).pk])
    return reverse(f"acknowledgements:{page}", args=[planned.pk])


@pytest.mark.parametrize("page", list(MATRIX))
@pytest.mark.parametrize("index", range(len(ROLES)), ids=ROLES)
def test_the_permission_matrix(client, cast, planned, page, index):
    assert status(client, cast, ROLES[index], url_of(page, planned, cast)) == MATRIX[page][index]


RECORDED = {
    "sheet": (302, 404, 200, 200, 200, 404, 200),
    "behalf_paper": (302, 404, 200, 200, 200, 404, 200),
}


@pytest.mark.parametrize("kind", list(RECORDED))
@pytest.mark.parametrize("index", range(len(ROLES)), ids=ROLES)
def test_the_signed_papers_are_served_only_within_scope(client, cast, planned, kind, index):
    meetings.meeting_record(meeting=planned, by=cast.unit_head, present=[], sheet=scan())
    if kind == "sheet":
        url = reverse("acknowledgements:meeting_file", args=[planned.pk, "sheet"])
    else:
        ack = meetings.acknowledgement_on_behalf(
            assignment=Assignment.objects.get(person=cast.staff), by=cast.unit_head, reason="Ký giấy", paper=scan()
        )
        url = reverse("acknowledgements:behalf_paper", args=[ack.pk])

    assert status(client, cast, ROLES[index], url) == RECORDED[kind][index]


def test_a_head_records_a_meeting_through_the_page(client, cast, planned):
    client.force_login(cast.unit_head)
    staff_line = planned.attendees.get(person=cast.staff)

    page = client.post(
        reverse("acknowledgements:meeting_record", args=[planned.pk]),
        {"present": [str(staff_line.pk)], "sheet": scan()},
        follow=True,
    )

    assert "Đã ghi nhận 1 lượt xác nhận tại hội nghị." in page.content.decode()
    unit_page = client.get(reverse("acknowledgements:unit")).content.decode()
    assert "Tại buổi quán triệt" in unit_page
    assert "Buổi quán triệt đã tổ chức" in unit_page


def test_the_sheet_is_a_pdf_not_kept_by_the_browser(client, cast, planned):
    client.force_login(cast.unit_head)

    response = client.get(reverse("acknowledgements:meeting_sheet", args=[planned.pk]))

    assert (response["Content-Type"], response["Cache-Control"]) == ("application/pdf", "no-store")
    assert response.content.startswith(b"%PDF")
