"""The working-day calendar of Vietnamese state agencies.

A working day is Monday to Friday, except public holidays, plus the Saturdays (or
Sundays) the government turns into make-up working days. Public holidays come from
the `holidays` package (Bộ luật Lao động 2019, Art. 112: Tết Dương lịch, Tết Nguyên
đán and Giỗ Tổ Hùng Vương by the lunar calendar, 30/4, 1/5, Quốc khánh, and the
yearly swaps it ships); the swaps announced each year are entered by administrators
as `core.CalendarDay` rows, which win over the package for their day.

Deadlines counted in calendar days end on the next working day when their last day
is a day off (Bộ luật Dân sự 2015, Art. 148(5)); `calendar_deadline` does that.
"""

import datetime
import functools

import holidays
from django.core.cache import cache

from core.models import CalendarDay

WORKING = "working"
CALENDAR = "calendar"
UNITS = (WORKING, CALENDAR)
_OVERRIDES_KEY = "core.calendar.overrides"


@functools.lru_cache(maxsize=64)
def _library_year(year: int) -> tuple[frozenset[datetime.date], frozenset[datetime.date]]:
    """(public holidays and swapped days off, make-up working days) the package knows."""
    known = holidays.country_holidays("VN", years=year)
    weekend_workdays = frozenset(day for day in known.weekend_workdays if day.year == year)
    return frozenset(known.keys()), weekend_workdays


def _overrides() -> dict[datetime.date, str]:
    """Administrators' rows, read once per request burst (cleared when one is saved)."""
    rows = cache.get(_OVERRIDES_KEY)
    if rows is None:
        rows = dict(CalendarDay.objects.values_list("day", "kind"))
        cache.set(_OVERRIDES_KEY, rows, 300)
    return rows


def forget_overrides() -> None:
    """Called whenever a CalendarDay is saved or deleted."""
    cache.delete(_OVERRIDES_KEY)


def calendar_day_set(*, day: datetime.date, kind: str, note: str, by=None) -> CalendarDay:
    """Record (or change) what `day` is for state agencies. Takes effect at once for
    every clock computed after it."""
    row, _created = CalendarDay.objects.update_or_create(
        day=day, defaults={"kind": kind, "note": note, "entered_by": by}
    )
    forget_overrides()
    return row


def is_working_day(day: datetime.date) -> bool:
    override = _overrides().get(day)
    if override is not None:
        return override == CalendarDay.Kind.WORKING_DAY
    days_off, weekend_workdays = _library_year(day.year)
    if day in weekend_workdays:
        return True
    return day.weekday() < 5 and day not in days_off


def add_working_days(start: datetime.date, count: int) -> datetime.date:
    """The `count`-th working day after `start` (the day of the event is not counted):
    "within 7 working days of receipt" ends on add_working_days(received, 7)."""
    day, left = start, count
    while left > 0:
        day += datetime.timedelta(days=1)
        if is_working_day(day):
            left -= 1
    return day


def next_working_day(day: datetime.date) -> datetime.date:
    """`day` itself when it is a working day, else the first working day after it."""
    while not is_working_day(day):
        day += datetime.timedelta(days=1)
    return day


def calendar_deadline(start: datetime.date, days: int) -> datetime.date:
    """`days` calendar days after `start`, moved to the next working day when that
    last day is a day off (Bộ luật Dân sự 2015, Art. 148(5))."""
    return next_working_day(start + datetime.timedelta(days=days))


def deadline(start: datetime.date, days: int, unit: str) -> datetime.date:
    if unit == WORKING:
        return add_working_days(start, days)
    if unit == CALENDAR:
        return calendar_deadline(start, days)
    raise ValueError(f"unknown unit of days: {unit!r}")


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """Working days after `start` up to and including `end` (0 when end <= start)."""
    count, day = 0, start
    while day < end:
        day += datetime.timedelta(days=1)
        count += is_working_day(day)
    return count
