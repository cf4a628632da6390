"""The working-day calendar against the 2026 calendar as the government announced it:
Tết Nguyên đán 16–20/2/2026 (Monday to Friday, between two weekends), Giỗ Tổ Hùng
Vương 26/4/2026 (a Sunday, observed Monday 27/4), and a day off swapped by an
administrator's entry (with its make-up Saturday). Expected dates written by hand."""

import datetime

import pytest

from core import calendar
from core.models import CalendarDay

D = datetime.date


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("day", "working"),
    [
        (D(2026, 2, 13), True),  # Friday before Tết
        (D(2026, 2, 16), False),  # 29 Tết (the package's Giao thừa): off
        (D(2026, 2, 17), False),  # mùng 1 Tết
        (D(2026, 2, 20), False),  # mùng 4 Tết
        (D(2026, 2, 23), True),  # back to work
        (D(2026, 4, 27), False),  # Giỗ Tổ observed (26/4 is a Sunday)
        (D(2026, 8, 22), True),  # make-up Saturday the package ships (for 31/8/2026)
        (D(2026, 8, 31), False),
        (D(2026, 9, 2), False),  # Quốc khánh
        (D(2026, 9, 5), False),  # an ordinary Saturday
    ],
)
def test_the_calendar_knows_the_lunar_holidays_and_the_shipped_swaps(day, working):
    assert calendar.is_working_day(day) is working


@pytest.mark.django_db
def test_an_administrators_swap_overrides_the_package():
    calendar.calendar_day_set(day=D(2026, 1, 2), kind=CalendarDay.Kind.DAY_OFF, note="Thông báo số 01/TB-BNV (thử)")
    calendar.calendar_day_set(day=D(2026, 1, 10), kind=CalendarDay.Kind.WORKING_DAY, note="Làm bù cho 02/01")

    assert calendar.is_working_day(D(2026, 1, 2)) is False  # a Friday
    assert calendar.is_working_day(D(2026, 1, 10)) is True  # a Saturday
    # 7 working days from Wednesday 31/12/2025: 1/1 is Tết Dương lịch, 2/1 swapped off,
    # 3–4/1 weekend, 5–9/1 five days, Saturday 10/1 worked, Monday 12/1 the seventh.
    assert calendar.add_working_days(D(2025, 12, 31), 7) == D(2026, 1, 12)


@pytest.mark.django_db
def test_seven_working_days_over_tet():
    # Received Thursday 12/2/2026: 13/2 (1), Tết 16–20/2 off, 23–27/2 (2–6), 2/3 (7).
    assert calendar.add_working_days(D(2026, 2, 12), 7) == D(2026, 3, 2)
    assert calendar.working_days_between(D(2026, 2, 12), D(2026, 3, 2)) == 7


@pytest.mark.django_db
def test_a_calendar_deadline_ending_on_a_day_off_moves_to_the_next_working_day():
    # 30 days after 18/1/2026 is 17/2/2026, mùng 1 Tết: the limit ends on Monday 23/2.
    assert calendar.calendar_deadline(D(2026, 1, 18), 30) == D(2026, 2, 23)
    assert calendar.calendar_deadline(D(2026, 1, 1), 30) == D(2026, 1, 31) + datetime.timedelta(days=2)
