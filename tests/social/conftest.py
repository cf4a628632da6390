import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from organization.models import Role
from tests.factories import PersonFactory, RoleGrantFactory


def png_upload(name="anh-bai-dang.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (20, 90, 200)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def subject(message) -> str:
    """The decoded subject (the parser keeps the space before an encoded word)."""
    return " ".join(str(message["Subject"]).split())


def body(message) -> str:
    return message.get_body(("plain",)).get_content()


def planned(hours=3) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(hours=hours)


@pytest.fixture(autouse=True)
def private_storage(settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path


@pytest.fixture
def agency_head(org):
    head = PersonFactory(email="giamdoc@example.gov.vn", full_name="Hoàng Giám Đốc", unit=org.agency)
    RoleGrantFactory(person=head, role=Role.UNIT_HEAD, unit=org.agency)
    return head


@pytest.fixture
def press_officer(org):
    """The department's spokesperson (người phát ngôn), a member of the department."""
    return PersonFactory(email="phatngon@example.gov.vn", full_name="Lý Phát Ngôn", unit=org.department)


@pytest.fixture
def post_request(cast):
    from social import services

    return services.post_request_submit(
        by=cast.staff, text="Chi cục tổ chức hội nghị đối thoại với người nộp thuế ngày 20/3.",
        platform="facebook", account="Trang Facebook của Phòng Bưu chính", planned_at=planned(),
    )  # fmt: skip


@pytest.fixture
def working_hours_question(tax_letter, cast):
    """3821 §2 as a plain question, marked as forbidding working-hours use."""
    from directives.models import Obligation
    from social.models import CheckQuestion

    obligation = Obligation.objects.get(version__directive=tax_letter, text__contains="trong giờ làm việc")
    return CheckQuestion.objects.create(
        obligation=obligation, question="Bài có nội dung công việc của cơ quan chưa được phép không?",
        forbids_working_hours=True, created_by=cast.administrator,
    )  # fmt: skip


@pytest.fixture
def official_account(cast, org):
    """The department's Facebook page, registered by its head, never reviewed."""
    from social import services

    return services.account_create(
        by=cast.unit_head, unit=org.department, platform="facebook", name="Phòng Bưu chính",
        url="https://www.facebook.com/phongbuuchinh", purpose="Thông tin hoạt động của Phòng",
        admins=[cast.staff], two_factor=False, recovery_contacts="buuchinh@example.gov.vn",
    )  # fmt: skip
