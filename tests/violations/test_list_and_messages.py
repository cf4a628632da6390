"""The case list takes any query string; messages only while a case is open, and
the reporter's answer moves a case only as the workflow table says."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from violations import services, workflow
from violations.models import Report, State


@pytest.mark.parametrize(
    "query",
    [
        {"q": "\x00"},
        {"q": "bí\x00mật"},
        {"state": "lost"},
        {"state": "\x00"},
        {"category": "'; DROP TABLE"},
        {"category": "state_secrets\x00"},
        {"page": "\x00"},
    ],
)
def test_the_case_list_ignores_a_nul_byte_and_unknown_filters(client, cast, case, query):
    client.force_login(cast.unit_head)

    response = client.get(reverse("violations:list"), query)

    assert response.status_code == 200
    if "q" not in query:
        assert f'href="{reverse("violations:detail", args=[case.pk])}"' in response.content.decode()


def test_the_case_list_still_filters_on_valid_values(client, cast, case):
    client.force_login(cast.unit_head)

    shown = client.get(reverse("violations:list"), {"state": "submitted", "category": "state_secrets"})
    hidden = client.get(reverse("violations:list"), {"state": "closed"})

    link = f'href="{reverse("violations:detail", args=[case.pk])}"'
    assert link in shown.content.decode() and link not in hidden.content.decode()


@pytest.mark.parametrize("state", [State.DISMISSED, State.CLOSED, State.CONFIRMED])
def test_the_reporter_cannot_post_on_a_case_no_longer_open(client, colleague, case, state):
    Report.objects.filter(pk=case.pk).update(
        state=state,
        **({"outcome": "admonition", "measure": case.rule_set.measures.first()} if state == State.CLOSED else {}),
    )
    case.refresh_from_db()
    client.force_login(colleague)

    response = client.post(reverse("violations:post", args=[case.pk, "message"]), {"text": "Tôi bổ sung thêm."})

    assert response.status_code == 404
    assert not case.events.filter(kind="message").exists()
    with pytest.raises(ValidationError, match="không nhận thêm trao đổi"):
        services.report_message(report=case, by=colleague, text="Tôi bổ sung thêm.")


def test_the_reporter_answers_while_the_case_is_open(client, cast, colleague, case):
    services.report_transition(report=case, to=State.UNDER_REVIEW, by=cast.unit_head, role=workflow.REVIEWER)
    client.force_login(colleague)

    client.post(reverse("violations:post", args=[case.pk, "message"]), {"text": "Tôi bổ sung thêm."})

    assert case.events.filter(kind="message", text="Tôi bổ sung thêm.").exists()


def test_the_reporters_answer_moves_the_case_only_as_the_workflow_table_says(cast, colleague, case, monkeypatch):
    for to in (State.UNDER_REVIEW, State.NEEDS_INFORMATION):
        services.report_transition(report=case, to=to, by=cast.unit_head, role=workflow.REVIEWER)
    # The requirement's table with the reporter's one move taken out.
    only_reviewers = {
        ("submitted", "under_review"): frozenset({"reviewer"}),
        ("submitted", "dismissed"): frozenset({"reviewer"}),
        ("under_review", "needs_information"): frozenset({"reviewer"}),
        ("under_review", "confirmed"): frozenset({"reviewer"}),
        ("under_review", "dismissed"): frozenset({"reviewer"}),
        ("needs_information", "under_review"): frozenset({"reviewer"}),
        ("needs_information", "dismissed"): frozenset({"reviewer"}),
        ("confirmed", "closed"): frozenset({"reviewer"}),
    }
    monkeypatch.setattr(workflow, "TRANSITIONS", only_reviewers)

    services.report_message(report=case, by=colleague, text="Ảnh chụp lúc 9 giờ.")

    case.refresh_from_db()
    assert case.state == "needs_information"


def test_the_reporters_answer_to_a_request_for_information_reopens_review(cast, colleague, case):
    for to in (State.UNDER_REVIEW, State.NEEDS_INFORMATION):
        services.report_transition(report=case, to=to, by=cast.unit_head, role=workflow.REVIEWER)

    services.report_message(report=case, by=colleague, text="Ảnh chụp lúc 9 giờ.")

    case.refresh_from_db()
    assert case.state == "under_review"
    # The confidential reporter's move is theirs without naming them (sealed reporter).
    assert case.events.filter(kind="transition", actor=None, by_reporter=True, to_state="under_review").exists()


def test_staff_can_open_only_so_many_cases_an_hour(client, cast, colleague, settings):
    settings.CASE_CREATE_RATE = "2/h"
    data = {
        "subject_email": "canbo@example.gov.vn", "category": "other", "platform": "other",
        "seen_at": "2025-03-12T09:00", "description": "Bình luận xúc phạm.",
    }  # fmt: skip
    client.force_login(colleague)

    responses = [client.post(reverse("violations:new"), data) for _ in range(3)]
    client.force_login(cast.unit_head)
    someone_else = client.post(reverse("violations:new"), data)

    assert [r.status_code for r in responses] == [302, 302, 429]
    assert "Bạn đã gửi quá nhiều phản ánh trong thời gian ngắn. Hãy thử lại sau." in responses[2].content.decode()
    assert someone_else.status_code == 302
    assert Report.objects.count() == 3


def test_a_long_case_list_goes_on_to_the_next_page_with_its_filter_and_its_own_title(client, cast, colleague, case):
    from tests.violations.conftest import report_about

    for _ in range(25):
        report_about(cast.staff, by=colleague)
    client.force_login(cast.unit_head)

    first = client.get(reverse("violations:list"), {"state": "submitted"}).content.decode()
    second = client.get(reverse("violations:list"), {"state": "submitted", "page": "2"}).content.decode()

    assert '<a href="?state=submitted&amp;page=2">Trang sau</a>' in first
    assert "<title>Phản ánh vi phạm: Mới tiếp nhận · " in first
    assert "<title>Phản ánh vi phạm: Mới tiếp nhận – trang 2 · " in second
    assert '<a href="?state=submitted&amp;page=1">Trang trước</a>' in second
    assert second.count('data-label="#"') == 1
