"""Permission to post agency work (3821/TCT-KTNB §2): ask, decide, cite, escalate, delegate."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEvent
from social import passes, services
from social.models import PostRequest, PostRequestEvent, PostRequestImage
from tests.social.conftest import body, planned, png_upload, subject


def test_a_request_goes_to_the_head_of_the_unit_by_email_through_smtp(cast, smtp, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        request = services.post_request_submit(
            by=cast.staff, text="Thông báo lịch tiếp công dân tháng 3.", platform="zalo",
            account="Zalo OA Phòng Bưu chính", planned_at=planned(), images=[png_upload()],
        )  # fmt: skip

    [message] = smtp.wait_for(1)
    assert message["To"] == "truongphong@example.gov.vn"
    assert subject(message) == "Đề nghị cho phép đăng tin mới – Lê Thị Cán Bộ"
    assert f"/social/requests/{request.pk}/" in body(message)
    assert (request.state, request.decider_unit.code, request.reference) == ("pending", "PBC", None)
    image = PostRequestImage.objects.get()
    assert (image.name, image.content_type) == ("anh-bai-dang.png", "image/png")


def test_the_head_approves_with_edits_and_the_author_gets_a_citable_reference(
    cast, post_request, smtp, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        decided = services.post_request_decide(
            request=post_request, by=cast.unit_head, decision="approve", note="Bỏ số điện thoại cá nhân.",
            edited_text="Phòng tổ chức hội nghị đối thoại với người nộp thuế ngày 20/3.",
        )  # fmt: skip

    year = timezone.localdate().year
    assert decided.reference == f"XP-{year}-{post_request.pk:06d}"
    assert decided.approved_text == "Phòng tổ chức hội nghị đối thoại với người nộp thuế ngày 20/3."
    messages = smtp.wait_for(2)
    to_author = [m for m in messages if m["To"] == "canbo@example.gov.vn"]
    assert [subject(m) for m in to_author] == [
        f"Đề nghị đăng tin đã được cho phép – số XP-{year}-{post_request.pk:06d}"
    ]
    text = body(to_author[0])
    assert "Nội dung được phép đăng đã được chỉnh sửa" in text and "Bỏ số điện thoại cá nhân." in text
    event = PostRequestEvent.objects.get(kind="decided")
    assert (event.actor, event.from_state, event.to_state) == (cast.unit_head, "pending", "approved")


def test_asking_for_changes_needs_a_note_and_the_author_resubmits(cast, post_request):
    with pytest.raises(ValidationError):
        services.post_request_decide(request=post_request, by=cast.unit_head, decision="changes")

    services.post_request_decide(request=post_request, by=cast.unit_head, decision="changes", note="Thêm nguồn.")
    services.post_request_resubmit(
        request=post_request, by=cast.staff, text="Theo thông báo số 12/TB-PBC, hội nghị ngày 20/3.",
        platform="facebook", account="Trang Facebook của Phòng Bưu chính", planned_at=planned(),
    )  # fmt: skip

    post_request.refresh_from_db()
    assert (post_request.state, post_request.decided_by) == ("pending", None)
    assert list(post_request.events.values_list("kind", "to_state")) == [
        ("submitted", "pending"), ("decided", "changes_requested"), ("resubmitted", "pending"),
    ]  # fmt: skip


def test_declining_keeps_the_decision_and_the_note(cast, post_request):
    services.post_request_decide(request=post_request, by=cast.unit_head, decision="decline", note="Chưa công bố.")

    post_request.refresh_from_db()
    assert (post_request.state, post_request.decision_note, post_request.reference) == (
        "declined",
        "Chưa công bố.",
        None,
    )
    with pytest.raises(ValidationError):
        services.post_request_decide(request=post_request, by=cast.unit_head, decision="approve")


@pytest.mark.parametrize("who", ["staff", "inspector", "administrator", "outsider"])
def test_nobody_but_the_head_or_a_delegate_decides(cast, post_request, who):
    with pytest.raises(PermissionDenied):
        services.post_request_decide(request=post_request, by=getattr(cast, who), decision="approve")


def test_a_heads_own_request_goes_to_the_unit_above(cast, agency_head):
    request = services.post_request_submit(
        by=cast.unit_head, text="Bài giới thiệu hoạt động của Phòng.", platform="facebook",
        account="Trang Facebook của Sở", planned_at=planned(),
    )  # fmt: skip

    assert request.decider_unit.code == "STTTT"
    with pytest.raises(PermissionDenied):
        services.post_request_decide(request=request, by=cast.unit_head, decision="approve")


def test_an_unanswered_request_escalates_to_the_unit_above_once(
    cast, agency_head, post_request, smtp, settings, django_capture_on_commit_callbacks
):
    settings.SOCIAL_REQUEST_ESCALATE_DAYS = 2
    settings.REMINDER_HOUR = 8
    PostRequest.objects.filter(pk=post_request.pk).update(waiting_since=timezone.now() - datetime.timedelta(days=3))
    smtp.messages.clear()
    later = timezone.localtime().replace(hour=9, minute=0)

    with django_capture_on_commit_callbacks(execute=True):
        first = passes.daily_tick(now=later)
        second = passes.daily_tick(now=later + datetime.timedelta(minutes=15))

    assert first["social-request-escalation"] == {"escalated": 1}
    assert second["social-request-escalation"] is None
    post_request.refresh_from_db()
    assert post_request.decider_unit.code == "STTTT"
    [message] = smtp.wait_for(1)
    assert message["To"] == "giamdoc@example.gov.vn"
    assert subject(message).startswith("[Chuyển lên] Đề nghị cho phép đăng tin chưa được trả lời")
    assert services.post_request_escalate_pass(now=later)["escalated"] == 0  # its clock restarted
    services.post_request_decide(request=post_request, by=agency_head, decision="approve")


def test_a_head_delegates_to_the_press_officer_who_then_decides(cast, org, press_officer, post_request):
    delegate = services.delegate_add(unit=org.department, person=press_officer, by=cast.unit_head)

    services.post_request_decide(request=post_request, by=press_officer, decision="approve")
    services.delegate_revoke(delegate=delegate, by=cast.unit_head)
    second = services.post_request_submit(
        by=cast.staff, text="Bài thứ hai.", platform="zalo", account="Zalo OA", planned_at=planned()
    )

    with pytest.raises(PermissionDenied):
        services.post_request_decide(request=second, by=press_officer, decision="approve")
    assert list(AuditEvent.objects.filter(data__role="posting_delegate").order_by("id").values_list("action", "target")) == [
        ("role_granted", "phatngon@example.gov.vn"), ("role_revoked", "phatngon@example.gov.vn"),
    ]  # fmt: skip


def test_a_head_cannot_delegate_outside_their_units(cast, org, press_officer):
    with pytest.raises(PermissionDenied):
        services.delegate_add(unit=org.office, person=press_officer, by=cast.unit_head)
    with pytest.raises(ValidationError):
        services.delegate_add(unit=org.department, person=cast.outsider, by=cast.unit_head)


def test_a_file_that_is_not_an_image_is_refused_and_nothing_is_saved(cast):
    from django.core.files.uploadedfile import SimpleUploadedFile

    with pytest.raises(ValidationError) as refused:
        services.post_request_submit(
            by=cast.staff, text="x", platform="facebook", account="y", planned_at=planned(),
            images=[SimpleUploadedFile("anh.png", b"MZ\x90\x00" + b"\x00" * 100)],
        )  # fmt: skip

    assert "không thuộc loại được nhận" in refused.value.messages[0]
    assert not PostRequest.objects.exists() and not PostRequestImage.objects.exists()


def test_the_database_refuses_an_approval_without_a_reference(post_request):
    with pytest.raises(IntegrityError), transaction.atomic():
        PostRequest.objects.filter(pk=post_request.pk).update(state="approved", approved_text="x")


def test_history_rows_are_append_only(post_request):
    event = post_request.events.get()
    with pytest.raises(ValueError):
        event.save()
    with pytest.raises(ValueError):
        event.delete()


def test_the_head_sees_pending_requests_with_their_age_and_decides_in_the_page(client, cast, post_request):
    PostRequest.objects.filter(pk=post_request.pk).update(waiting_since=timezone.now() - datetime.timedelta(days=2))
    client.force_login(cast.unit_head)

    page = client.get(reverse("social:home")).content.decode()
    response = client.post(reverse("social:request_decide", args=[post_request.pk]), {"decision": "approve"})

    assert "đã chờ 2 ngày" in page and f"#{post_request.pk} Lê Thị Cán Bộ" in page
    assert response.status_code == 302
    detail = client.get(reverse("social:request", args=[post_request.pk])).content.decode()
    assert f"XP-{timezone.localdate().year}-{post_request.pk:06d}" in detail


def test_the_decision_form_asks_for_a_choice_and_a_note_in_vietnamese(client, cast, post_request):
    client.force_login(cast.unit_head)

    empty = client.post(reverse("social:request_decide", args=[post_request.pk]), {}).content.decode()
    no_note = client.post(reverse("social:request_decide", args=[post_request.pk]), {"decision": "decline"})

    assert "Hãy chọn một quyết định." in empty
    assert "Hãy ghi ý kiến: cần sửa gì, hoặc vì sao không cho phép." in no_note.content.decode()
    assert "checked" not in empty.split('name="decision"')[1][:80]


def test_an_approval_can_be_looked_up_by_its_reference(client, cast, post_request):
    services.post_request_decide(request=post_request, by=cast.unit_head, decision="approve")
    post_request.refresh_from_db()
    client.force_login(cast.inspector)

    page = client.get(reverse("social:requests"), {"ref": post_request.reference.lower()}).content.decode()

    assert f'href="{reverse("social:request", args=[post_request.pk])}">{post_request.reference}</a>' in page
