import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from tests.factories import PersonFactory
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
