"""The reading page shows the letter as the directive page does (the official layout,
not the imported text with its "-------" and "2 8 tháng"), with the due date and
whether it has passed."""

import datetime
import re

from django.urls import reverse
from django.utils import timezone

from acknowledgements.models import Assignment


def reading_page(client, cast) -> str:
    assignment = Assignment.objects.get(person=cast.staff)
    client.force_login(cast.staff)
    return client.get(reverse("acknowledgements:read", args=[assignment.pk])).content.decode()


def outside_the_full_text(page: str) -> str:
    return re.sub(r"<details>.*?</details>", "", page, flags=re.DOTALL)


def test_the_letter_is_shown_in_the_official_layout(client, cast, campaign):
    page = reading_page(client, cast)

    assert '<article class="official-document"' in page
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in page
    assert "TỔNG CỤC THUẾ" in page
    assert "Hà Nội, ngày 28 tháng 8 năm 2024" in page
    assert "Các nhiệm vụ" in page
    visible = outside_the_full_text(page)
    assert "2 8" not in visible
    assert "-------" not in visible


def test_a_passed_due_date_is_shown_as_passed(client, cast, campaign):
    Assignment.objects.filter(person=cast.staff).update(due_on=datetime.date(2024, 8, 28))

    page = reading_page(client, cast)

    assert "hạn xác nhận <strong>28/8/2024</strong>" in page
    assert "(đã quá hạn)" in page


def test_a_coming_due_date_says_how_many_days_are_left(client, cast, campaign):
    Assignment.objects.filter(person=cast.staff).update(due_on=timezone.localdate() + datetime.timedelta(days=3))

    page = reading_page(client, cast)

    assert "(còn 3 ngày)" in page
    assert "đã quá hạn" not in page


def test_the_last_day_says_so(client, cast, campaign):
    Assignment.objects.filter(person=cast.staff).update(due_on=timezone.localdate())

    assert "(hôm nay là hạn cuối)" in reading_page(client, cast)
