"""Every page of the social app × every role × in and out of scope × anonymous.

"in" objects belong to the agency's subtree (the staff member's team, the
department); "out" objects to the other agency, which the outsider heads."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from social import services
from tests.factories import PersonFactory
from tests.social.conftest import planned

ROLES = ["staff", "unit_head", "inspector", "administrator", "outsider", "superuser", "anonymous"]

# view name, object ("" for none, "in", "out"), method: statuses for ROLES, in that order.
MATRIX = [
    ("social:home", "", "get", (200, 200, 200, 200, 200, 200, 302)),
    ("social:check", "", "get", (200, 200, 200, 200, 200, 200, 302)),
    ("social:requests", "", "get", (200, 200, 200, 200, 200, 200, 302)),
    ("social:request_new", "", "get", (200, 200, 200, 200, 200, 200, 302)),
    ("social:delegates", "", "get", (403, 200, 403, 403, 200, 200, 302)),
    ("social:accounts", "", "get", (200, 200, 200, 200, 200, 200, 302)),
    ("social:account_new", "", "get", (403, 200, 403, 200, 200, 200, 302)),
    ("social:oversight", "", "get", (403, 403, 200, 403, 403, 200, 302)),
    ("social:incidents", "", "get", (200, 200, 200, 200, 200, 200, 302)),
    ("social:incident_new", "", "get", (200, 200, 200, 200, 200, 200, 302)),
    ("social:contacts", "", "get", (200, 200, 200, 200, 200, 200, 302)),
    ("social:request", "in", "get", (200, 200, 200, 404, 404, 200, 302)),
    ("social:request", "out", "get", (404, 404, 404, 404, 200, 200, 302)),
    ("social:request_image", "in", "get", (200, 200, 200, 404, 404, 200, 302)),
    ("social:request_image", "out", "get", (404, 404, 404, 404, 200, 200, 302)),
    ("social:request_decide", "in", "post", (403, 302, 403, 404, 404, 302, 302)),
    ("social:request_decide", "out", "post", (404, 404, 404, 404, 302, 302, 302)),
    ("social:account", "in", "get", (200, 200, 200, 200, 404, 200, 302)),
    ("social:account", "out", "get", (404, 404, 404, 404, 200, 200, 302)),
    ("social:account_review", "in", "post", (404, 302, 404, 404, 404, 302, 302)),
    ("social:account_review", "out", "post", (404, 404, 404, 404, 302, 302, 302)),
    ("social:incident", "in", "get", (200, 200, 200, 404, 404, 200, 302)),
    ("social:incident", "out", "get", (404, 404, 404, 404, 200, 200, 302)),
    ("social:incident_step", "in", "post", (302, 302, 404, 404, 404, 302, 302)),
    ("social:incident_step", "out", "post", (404, 404, 404, 404, 302, 302, 302)),
    ("social:contact_edit", "in", "get", (404, 200, 404, 200, 404, 200, 302)),
    ("social:contact_edit", "out", "get", (404, 404, 404, 404, 200, 200, 302)),
]

POST_DATA = {
    "social:request_decide": {"decision": "approve"},
    "social:account_review": {"two_factor": "yes", "admins_checked": "yes", "recovery_checked": "yes"},
    "social:incident_step": {"step": "platform"},
}


@pytest.fixture
def world(cast, org):
    from tests.social.conftest import png_upload

    other = PersonFactory(email="khac@example.gov.vn", full_name="Mai Người Khác", unit=org.other_agency)
    noticed = timezone.now() - datetime.timedelta(hours=1)
    objects = {}
    for scope, author, head, unit in (
        ("in", cast.staff, cast.unit_head, org.department), ("out", other, cast.outsider, org.other_agency),
    ):  # fmt: skip
        request = services.post_request_submit(
            by=author,
            text="Bài đăng",
            platform="facebook",
            account="Trang",
            planned_at=planned(),
            images=[png_upload()],
        )
        account = services.account_create(
            by=head, unit=unit, platform="zalo", name=f"Zalo {unit.code}", url=f"https://zalo.me/{unit.code}",
            purpose="Tin hoạt động", admins=[author], two_factor=True, recovery_contacts="a@example.gov.vn",
        )  # fmt: skip
        incident = services.incident_report(
            by=author, kind="own_compromised", platform="facebook", account_name="fb", what_happened="Mất tài khoản",
            noticed_at=noticed,
        )  # fmt: skip
        objects[scope] = {
            "social:request": request.pk, "social:request_decide": request.pk,
            "social:request_image": request.images.get().pk,
            "social:account": account.pk, "social:account_review": account.pk,
            "social:incident": incident.pk, "social:incident_step": incident.pk,
            "social:contact_edit": unit.pk,
        }  # fmt: skip
    return objects


CASES = [
    pytest.param(view, scope, method, role, status, id=f"{view}-{scope or 'page'}-{role}")
    for view, scope, method, statuses in MATRIX
    for role, status in zip(ROLES, statuses, strict=True)
]


@pytest.mark.parametrize(("view", "scope", "method", "role", "status"), CASES)
def test_every_page_answers_each_role_as_the_matrix_says(client, cast, world, view, scope, method, role, status):
    if role != "anonymous":
        client.force_login(getattr(cast, role))
    url = reverse(view, args=[world[scope][view]] if scope else [])

    response = client.post(url, POST_DATA.get(view, {})) if method == "post" else client.get(url)

    assert response.status_code == status
    if status == 302 and role == "anonymous":
        assert response["Location"].startswith("/accounts/login/")
