"""Demo rows for the social app: contacts at the root, the Ba Đình branch's Facebook
page, a pending request for permission to post, and 3821 §2 as a self-check question.
Idempotent."""

import datetime

from django.utils import timezone

from directives.models import Obligation
from organization.models import Person, Unit
from social import services
from social.models import CheckQuestion, OfficialAccount, PostRequest, UnitContacts


def seed_social() -> None:
    root = Unit.objects.get(code="TCT")
    branch = Unit.objects.get(code="CCT-BD")
    admin = Person.objects.get(email="quantri@demo.gov.vn")
    head = Person.objects.get(email="chicuctruong@demo.gov.vn")
    staff = Person.objects.get(email="canbo@demo.gov.vn")
    if not UnitContacts.objects.filter(unit=root).exists():
        services.contacts_set(
            unit=root, by=admin, hotline="0123.456.789", email="duongdaynong@demo.gov.vn",
            inspectorate="Vụ Kiểm tra nội bộ, Tổng cục Thuế",
        )  # fmt: skip
    if not OfficialAccount.objects.exists():
        services.account_create(
            by=head, unit=branch, platform="facebook", name="Chi cục Thuế quận Ba Đình",
            url="https://www.facebook.com/demo-chicucthue-badinh", purpose="Thông tin, hỗ trợ người nộp thuế",
            admins=[staff], two_factor=False, recovery_contacts="badinh@demo.gov.vn",
        )  # fmt: skip
    if not PostRequest.objects.exists():
        services.post_request_submit(
            by=staff, text="Chi cục Thuế quận Ba Đình tổ chức hội nghị đối thoại với người nộp thuế ngày 20/3.",
            platform="facebook", account="Chi cục Thuế quận Ba Đình",
            planned_at=timezone.now() + datetime.timedelta(days=1),
        )  # fmt: skip
    obligation = Obligation.objects.filter(
        version__directive__number="3821", text__contains="trong giờ làm việc", version__published_at__isnull=False
    ).first()
    if obligation is not None and not CheckQuestion.objects.filter(obligation=obligation).exists():
        CheckQuestion.objects.create(
            obligation=obligation, question="Bài có nội dung công việc của cơ quan chưa được phép không?",
            forbids_working_hours=True, created_by=admin,
        )  # fmt: skip
