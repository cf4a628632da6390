"""Every id on the main pages of each role is unique, each label points at a box
that exists, and every form that asks for something is novalidate (the server's
Vietnamese messages, not the browser's tooltips). A fast check through the test
client; the browser suite (tests/e2e/test_accessibility.py) covers every page."""

import datetime
from collections import Counter

import lxml.html
import pytest
from django.urls import reverse
from django.utils import timezone

from acknowledgements.models import Assignment
from violations import services as violation_services


def problems_of(html: str) -> list[str]:
    page = lxml.html.fromstring(html)
    ids = Counter(element.get("id") for element in page.xpath("//*[@id]"))
    found = [f"id {name!r} appears {count} times" for name, count in ids.items() if count > 1]
    for label in page.xpath("//label[@for]"):
        if label.get("for") not in ids:
            found.append(f"label {label.text_content().strip()!r} points at no box ({label.get('for')})")
    for form in page.xpath("//form[translate(@method, 'POST', 'post')='post']"):
        asks = form.xpath(".//textarea | .//select | .//input[not(@type='hidden') and not(@type='submit')]")
        if asks and form.get("novalidate") is None:
            found.append(f"form to {form.get('action')!r} is not novalidate")
    return found


@pytest.fixture
def case(cast):
    """A report by the staff member about a colleague, reviewed by the unit head."""
    return violation_services.report_create(
        by=cast.staff,
        subject=cast.unit_head.__class__.objects.create_user(
            email="dongnghiep@example.gov.vn", password="x", full_name="Ngô Đồng Nghiệp", unit=cast.staff.unit
        ),
        category="insult",
        platform="zalo",
        url="https://zalo.me/g/abc",
        seen_at=timezone.now() - datetime.timedelta(hours=3),
        description="Bình luận xúc phạm đồng nghiệp trên Zalo.",
        confidential=False,
        files=[],
    )


def pages_for(cast, org, campaign, case):
    assignment = Assignment.objects.get(person=cast.staff)
    directive = campaign.directive
    return {
        None: [
            reverse("account_login"),
            reverse("violations:anonymous"),
            reverse("violations:anonymous_follow_up"),
        ],
        cast.staff: [
            reverse("home"),
            reverse("acknowledgements:mine"),
            reverse("acknowledgements:read", args=[assignment.pk]),
            reverse("violations:new"),
            reverse("violations:list"),
            reverse("violations:detail", args=[case.pk]),
            reverse("social:check"),
            reverse("social:request_new"),
            reverse("social:incident_new"),
            reverse("account_change_password"),
        ],
        cast.unit_head: [
            reverse("home"),
            reverse("acknowledgements:unit"),
            reverse("acknowledgements:meeting_new") + f"?units={org.department.pk}",
            reverse("acknowledgements:report", args=[directive.pk, org.department.pk]),
            reverse("violations:list"),
            reverse("violations:detail", args=[case.pk]),
            reverse("violations:denunciation_new"),
        ],
        cast.inspector: [
            reverse("home"),
            reverse("violations:monitoring_new"),
            reverse("reports:dashboard"),
        ],
        cast.administrator: [
            reverse("home"),
            reverse("directives:list"),
            reverse("directives:detail", args=[directive.pk]),
            reverse("directives:import"),
            reverse("directives:version_new", args=[directive.pk]),
            reverse("acknowledgements:launch", args=[directive.pk]),
            reverse("social:account_new"),
        ],
    }


def test_no_page_of_any_role_repeats_an_id_or_points_a_label_at_nothing(client, cast, org, campaign, case):
    found = {}
    for person, urls in pages_for(cast, org, campaign, case).items():
        client.logout()
        if person is not None:
            client.force_login(person)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            if problems := problems_of(response.content.decode()):
                found[f"{person or 'anonymous'} {url}"] = problems

    assert found == {}


def test_on_the_case_page_the_message_and_the_note_have_their_own_boxes(client, cast, case):
    client.force_login(cast.unit_head)

    page = lxml.html.fromstring(client.get(reverse("violations:detail", args=[case.pk])).content.decode())

    def box(action_kind):
        form = page.xpath(f"//form[contains(@action, '/{action_kind}/')]")[0]
        label = form.xpath(".//label[starts-with(@for, 'id_')]")[0]
        return label.text_content().strip(), form.xpath(f".//*[@id='{label.get('for')}']")[0].tag

    assert box("note") == ("Ghi chú nội bộ (người phản ánh không xem được):", "textarea")
    assert box("message") == ("Tin nhắn gửi người phản ánh:", "textarea")
