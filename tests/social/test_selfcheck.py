"""The private self-check: flags quoting their rule and words, and nothing kept."""

import datetime
import logging

import pytest
from django.apps import apps
from django.contrib.sessions.models import Session
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from social import services
from social.models import FlagTerm, PostRequest, SelfCheckTally

# A Tuesday at 09:00 and at 19:00, local time.
TUESDAY_MORNING = timezone.make_aware(datetime.datetime(2026, 3, 10, 9, 0))
TUESDAY_EVENING = timezone.make_aware(datetime.datetime(2026, 3, 10, 19, 0))


def flags(person, text, at=TUESDAY_EVENING):
    return {flag.title: flag.words for flag in services.selfcheck_run(person=person, text=text, at=at).flags}


def test_classified_markings_are_flagged_but_not_a_password_or_honey(cast):
    found = flags(
        cast.staff,
        "Ảnh chụp văn bản TỐI MẬT và tài liệu lưu hành nội bộ; tài liệu đóng dấu Mật. Đổi mật khẩu, mua mật ong.",
    )

    assert found == {"Dấu hiệu tài liệu mật hoặc nội bộ": ["TỐI MẬT", "lưu hành nội bộ", "Mật"]}


def test_personal_data_is_flagged_with_the_words_that_triggered_it(cast):
    found = flags(
        cast.staff,
        "Người nộp thuế CCCD 001203004567, điện thoại 0912 345 678, nhà số 12 ngõ 34 phố Huế, xe 30A-123.45.",
    )

    assert found == {
        "Dữ liệu cá nhân: Số căn cước công dân (12 chữ số)": ["001203004567"],
        "Dữ liệu cá nhân: Số điện thoại": ["0912 345 678"],
        "Dữ liệu cá nhân: Biển số xe": ["30A-123.45"],
        "Dữ liệu cá nhân: Địa chỉ nhà": ["số 12 ngõ 34 phố Huế"],
    }


def test_the_hotline_of_the_ha_tinh_letter_reads_as_a_phone_number(cast):
    assert flags(cast.staff, "Gọi đường dây nóng 0799.116.888.") == {"Dữ liệu cá nhân: Số điện thoại": ["0799.116.888"]}


def test_each_flag_quotes_its_rule(cast):
    [flag] = services.selfcheck_run(person=cast.staff, text="Nghe nói sắp tăng thuế.", at=TUESDAY_EVENING).flags

    assert (flag.title, flag.words) == ("Dấu hiệu thông tin chưa kiểm chứng", ["Nghe nói"])
    assert "Chia sẻ những thông tin có nguồn chính thống, đáng tin cậy" in flag.rule


def test_terms_administrators_maintain_apply_to_their_units_only(cast, org):
    FlagTerm.objects.create(unit=org.agency, term="đồ ngu", kind="offensive")
    FlagTerm.objects.create(unit=org.other_agency, term="bọn Bắc Kỳ", kind="hate")

    assert flags(cast.staff, "Đồ ngu! bọn Bắc Kỳ") == {"Từ ngữ phản cảm, xúc phạm": ["Đồ ngu"]}
    assert flags(cast.outsider, "Đồ ngu! bọn Bắc Kỳ") == {"Từ ngữ gây thù hận, kích động, phân biệt": ["bọn Bắc Kỳ"]}


def test_posting_in_working_hours_is_flagged_only_where_a_directive_forbids_it(cast, working_hours_question):
    result = services.selfcheck_run(person=cast.staff, text="Chúc mừng ngày 8/3.", at=TUESDAY_MORNING)

    [flag] = result.flags
    assert (flag.title, flag.words) == ("Đăng trong giờ làm việc", ["09:00 10/3/2026"])
    assert "Không dùng mạng xã hội trong giờ làm việc" in flag.rule and "3821/TCT-KTNB" in flag.rule
    assert flags(cast.staff, "Chúc mừng ngày 8/3.", at=TUESDAY_EVENING) == {}
    assert flags(cast.outsider, "Chúc mừng ngày 8/3.", at=TUESDAY_MORNING) == {}  # not their directive


def test_the_questions_come_from_the_directives_that_govern_the_person(cast, working_hours_question):
    mine = services.selfcheck_run(person=cast.staff, text="x", at=TUESDAY_EVENING).questions
    theirs = services.selfcheck_run(person=cast.outsider, text="x", at=TUESDAY_EVENING).questions

    assert [(q.question, q.source.split(",")[0]) for q in mine] == [
        ("Bài có nội dung công việc của cơ quan chưa được phép không?", "3821/TCT-KTNB")
    ]
    assert theirs == []


def _rows_containing(marker: str) -> list[str]:
    """Every table of the database, read as text, and every session decoded."""
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            name = connection.ops.quote_name(table)
            cursor.execute(f"SELECT count(*) FROM {name} t WHERE t::text LIKE %s", [f"%{marker}%"])
            if cursor.fetchone()[0]:
                found.append(table)
    found += [f"session {s.pk}" for s in Session.objects.all() if marker in str(s.get_decoded())]
    return found


@pytest.mark.postgres
def test_a_check_stores_and_logs_nothing_of_the_draft_only_a_count(client, cast, working_hours_question, caplog):
    marker = "Bản nháp riêng tư Q7X9"
    draft = f"{marker}: văn bản TUYỆT MẬT, CCCD 001203004567, nghe đồn."
    client.force_login(cast.staff)
    tables_before = {model._meta.label: model.objects.count() for model in apps.get_models()}
    caplog.set_level(logging.DEBUG)

    response = client.post(reverse("social:check"), {"text": draft})

    page = response.content.decode()
    assert response.status_code == 200 and "TUYỆT MẬT" in page and "001203004567" in page
    assert "no-store" in response["Cache-Control"]
    assert _rows_containing("Q7X9") == []
    assert [r.getMessage() for r in caplog.records if "Q7X9" in r.getMessage() or "Q7X9" in str(r.args)] == []
    tables_after = {model._meta.label: model.objects.count() for model in apps.get_models()}
    changed = {label for label in tables_after if tables_after[label] != tables_before[label]}
    assert changed == {"social.SelfCheckTally"}
    assert SelfCheckTally.objects.get().checks == 1


def test_the_page_says_nothing_is_kept(client, cast):
    client.force_login(cast.staff)

    page = client.get(reverse("social:check")).content.decode()

    assert "Cổng không lưu, không ghi nhật ký và không ai xem được nội dung; chỉ đếm số lượt kiểm tra." in page


def test_the_person_may_turn_the_draft_into_a_request_and_only_then_it_is_saved(client, cast):
    client.force_login(cast.staff)

    prefilled = client.post(reverse("social:request_new"), {"from_check": "1", "text": "Hội nghị ngày 20/3."})

    assert "Hội nghị ngày 20/3.</textarea>" in prefilled.content.decode()
    assert not PostRequest.objects.exists()


def test_an_empty_or_too_long_draft_is_refused_in_vietnamese(client, cast, settings):
    settings.SOCIAL_CHECK_MAX_CHARS = 100
    client.force_login(cast.staff)

    empty = client.post(reverse("social:check"), {"text": ""}).content.decode()
    long = client.post(reverse("social:check"), {"text": "a" * 101}).content.decode()

    assert "Hãy dán nội dung bài viết cần kiểm tra." in empty
    assert "Bài viết dài quá 100 ký tự; hãy kiểm tra từng phần." in long
    assert not SelfCheckTally.objects.exists()
