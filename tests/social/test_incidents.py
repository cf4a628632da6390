"""Compromised or impersonated accounts: reported at once, tracked to recovery."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from social import selectors, services
from social.models import AccountIncident
from tests.conduct_portal.test_form_errors import assert_tied, errors_of
from tests.social.conftest import body, subject


def report(person, **extra):
    fields = {
        "kind": "own_compromised", "platform": "facebook", "account_name": "facebook.com/le.thi.can.bo",
        "what_happened": "Không đăng nhập được, tài khoản nhắn tin vay tiền bạn bè.",
        "noticed_at": timezone.now() - datetime.timedelta(hours=1),
    }  # fmt: skip
    return services.incident_report(by=person, **{**fields, **extra})


def test_the_head_and_the_inspectors_are_told_at_once(cast, smtp, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        incident = report(cast.staff, breaks_law=True)

    messages = smtp.wait_for(2)
    assert sorted(m["To"] for m in messages) == ["thanhtra@example.gov.vn", "truongphong@example.gov.vn"]
    assert subject(messages[0]) == "[Khẩn] Tài khoản cá nhân của tôi bị mất quyền kiểm soát – Tổ Báo chí"
    assert "cần báo cơ quan công an (PA05)" in body(messages[0])
    assert f"/social/incidents/{incident.pk}/" in body(messages[0])


def test_the_checklist_links_the_platform_form_and_the_police_when_the_law_is_broken(client, cast):
    incident = report(cast.staff, breaks_law=True, kind="own_impersonated")
    client.force_login(cast.staff)

    page = client.get(reverse("social:incident", args=[incident.pk])).content.decode()

    assert 'href="https://www.facebook.com/help/contact/295309487309948"' in page
    assert "Báo Phòng An ninh mạng và phòng chống tội phạm sử dụng công nghệ cao (PA05)" in page
    assert "Đổi mật khẩu các tài khoản liên quan" in page and "không phải hồ sơ vi phạm" in page


def test_steps_are_timed_once_each_and_the_report_is_tracked_to_recovery(cast):
    incident = report(cast.staff)
    services.incident_step_done(incident=incident, by=cast.staff, step="platform")
    services.incident_step_done(incident=incident, by=cast.unit_head, step="unit", note="Đã báo tổ trưởng.")
    with pytest.raises(ValidationError):
        services.incident_step_done(incident=incident, by=cast.staff, step="platform")

    services.incident_resolve(incident=incident, by=cast.staff, to="recovered")

    incident.refresh_from_db()
    assert (incident.state, incident.resolved_at is not None) == ("recovered", True)
    assert list(incident.events.values_list("kind", "step", "to_state")) == [
        ("reported", "", "open"), ("step", "platform", ""), ("step", "unit", ""), ("resolved", "", "recovered"),
    ]  # fmt: skip
    with pytest.raises(ValidationError):
        services.incident_resolve(incident=incident, by=cast.staff, to="removed")


def test_an_official_account_is_reported_by_a_head_only(cast, official_account):
    with pytest.raises(PermissionDenied):
        report(cast.staff, kind="official_compromised", official_account=official_account)

    incident = report(cast.unit_head, kind="official_impersonated", official_account=official_account)

    assert (incident.unit.code, incident.official_account) == ("PBC", official_account)


def test_inspectors_read_but_do_not_act_and_outsiders_see_nothing(cast):
    incident = report(cast.staff)

    assert selectors.get_incident_for(cast.inspector, incident.pk) == incident
    with pytest.raises(PermissionDenied):
        services.incident_step_done(incident=incident, by=cast.inspector, step="platform")
    assert not selectors.incidents_visible_to(cast.outsider).exists()


def test_the_dashboard_summary_counts_and_times_recovery(cast):
    first, second, third = report(cast.staff), report(cast.staff), report(cast.staff, kind="own_impersonated")
    AccountIncident.objects.filter(pk=first.pk).update(created_at=timezone.now() - datetime.timedelta(hours=6))
    AccountIncident.objects.filter(pk=third.pk).update(created_at=timezone.now() - datetime.timedelta(hours=2))
    services.incident_resolve(incident=first, by=cast.staff, to="recovered")
    services.incident_resolve(incident=third, by=cast.staff, to="removed")

    summary = selectors.incident_summary(user=cast.inspector)

    assert summary["total"] == 3
    assert summary["by_state"] == {"open": 1, "recovered": 1, "removed": 1, "closed": 0}
    assert summary["by_kind"] == {"own_compromised": 2, "own_impersonated": 1}
    assert (summary["recovered"], summary["hours_to_recover_mean"], summary["hours_to_recover_median"]) == (2, 4.0, 4.0)
    assert selectors.incident_summary(user=cast.outsider)["total"] == 0
    assert second.state == "open"


def test_closing_without_recovery_needs_a_reason(cast):
    incident = report(cast.staff)

    with pytest.raises(ValidationError):
        services.incident_resolve(incident=incident, by=cast.staff, to="closed")


def test_a_step_someone_else_just_recorded_comes_back_with_the_note_kept(client, cast):
    incident = report(cast.staff)
    services.incident_step_done(incident=incident, by=cast.unit_head, step="platform")
    client.force_login(cast.staff)

    response = client.post(
        reverse("social:incident_step", args=[incident.pk]), {"step": "platform", "note": "Đã gửi mẫu lúc 9 giờ."}
    )

    title, entries, page = errors_of(response)
    assert title.startswith("Lỗi: ")
    assert [anchor for _message, anchor in entries] == ["id_step_note", "id_step_note"]
    assert_tied(page, "id_step_note", "Bước này đã được ghi nhận.")
    assert_tied(page, "id_step_note", "Ghi chú của đồng chí chưa được lưu; nếu cần, hãy ghi vào phần Kết thúc.")
    assert page.get_element_by_id("id_step_note").get("value") == "Đã gửi mẫu lúc 9 giờ."
    assert list(incident.events.filter(kind="step").values_list("actor__email", "note")) == [
        ("truongphong@example.gov.vn", "")
    ]


def test_a_note_too_long_is_told_on_its_step_and_nothing_is_recorded(client, cast):
    incident = report(cast.staff)
    client.force_login(cast.staff)
    note = "Đã báo. " * 70  # 560 characters, over the 500 allowed

    response = client.post(reverse("social:incident_step", args=[incident.pk]), {"step": "passwords", "note": note})

    title, entries, page = errors_of(response)
    assert title.startswith("Lỗi: ")
    assert [anchor for _message, anchor in entries] == ["id_step_note"]
    assert "500" in entries[0][0]
    assert page.get_element_by_id("id_step_note").get("value") == note
    form = page.get_element_by_id("id_step_note").xpath("ancestor::form")[0]
    assert form.xpath("ancestor::li/strong")[0].text_content() == "Đổi mật khẩu các tài khoản liên quan"
    assert not incident.events.filter(kind="step").exists()


def test_a_forged_step_is_refused_with_its_note_kept_and_nothing_recorded(client, cast):
    incident = report(cast.staff)
    client.force_login(cast.staff)

    response = client.post(reverse("social:incident_step", args=[incident.pk]), {"step": "bribe", "note": "Ghi chú"})

    title, entries, page = errors_of(response)
    assert title.startswith("Lỗi: ") and len(entries) == 1
    assert page.get_element_by_id("id_step_note").get("value") == "Ghi chú"
    assert not incident.events.filter(kind="step").exists()
