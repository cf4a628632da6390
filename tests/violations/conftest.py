import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from organization.models import Role
from tests.factories import PersonFactory, RoleGrantFactory
from violations import services


def png_upload(name="anh-chup.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


@pytest.fixture
def colleague(org):
    """A staff member of the office who reports what they saw."""
    return PersonFactory(email="dongnghiep@example.gov.vn", full_name="Ngô Đồng Nghiệp", unit=org.office)


@pytest.fixture
def case(cast, colleague):
    """A confidential report by a colleague about the staff member, with a screenshot."""
    return services.report_create(
        by=colleague,
        subject=cast.staff,
        category="state_secrets",
        platform="zalo",
        url="https://zalo.me/g/abc",
        seen_at=timezone.now() - datetime.timedelta(hours=3),
        description="Đăng ảnh văn bản mật lên nhóm Zalo của tổ.",
        confidential=True,
        files=[png_upload()],
    )


@pytest.fixture
def agency_head(org):
    """The head of the agency, above the department head."""
    head = PersonFactory(email="giamdoc@example.gov.vn", full_name="Hoàng Giám Đốc", unit=org.agency)
    RoleGrantFactory(person=head, role=Role.UNIT_HEAD, unit=org.agency)
    return head


@pytest.fixture
def team_head(org):
    """The head of the team, below the department head."""
    head = PersonFactory(email="totruong@example.gov.vn", full_name="Đinh Tổ Trưởng", unit=org.team)
    RoleGrantFactory(person=head, role=Role.UNIT_HEAD, unit=org.team)
    return head


@pytest.fixture
def second_inspector(org):
    """Another inspector over the agency, besides the cast's."""
    inspector = PersonFactory(email="thanhtra2@example.gov.vn", full_name="Lý Thanh Tra Hai", unit=org.office)
    RoleGrantFactory(person=inspector, role=Role.INSPECTOR, unit=org.agency)
    return inspector


def report_about(subject, *, by, confidential=True, files=(), **fields):
    """A staff report about `subject`, confidential unless told otherwise."""
    values = {
        "category": "insult", "platform": "facebook", "seen_at": timezone.now() - datetime.timedelta(hours=1),
        "description": "Bình luận xúc phạm đồng nghiệp trên Facebook.", **fields,
    }  # fmt: skip
    return services.report_create(by=by, subject=subject, confidential=confidential, files=list(files), **values)


@pytest.fixture
def review_pass(django_capture_on_commit_callbacks):
    """The daily review pass for a day, its e-mails sent after commit as in production."""
    from violations import reviews

    def run(today: datetime.date) -> reviews.ReviewPassResult:
        with django_capture_on_commit_callbacks(execute=True):
            return reviews.review_pass(today=today)

    return run
