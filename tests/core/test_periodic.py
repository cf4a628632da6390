"""A daily pass runs once a day, at the first tick after its hour, and catches up."""

import datetime
import zoneinfo

import pytest

from core.models import PeriodicRun
from core.periodic import run_daily

HANOI = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")


def at(hour: int, minute: int = 0, day: int = 1) -> datetime.datetime:
    return datetime.datetime(2026, 12, day, hour, minute, tzinfo=HANOI)


def test_before_the_hour_nothing_runs(db):
    runs = []

    assert run_daily(name="pass", hour=8, job=lambda today: runs.append(today) or {}, now=at(7, 45)) is None
    assert runs == []


def test_the_first_tick_after_the_hour_runs_it_and_later_ticks_do_not(db):
    runs = []
    job = lambda today: runs.append(today) or {"sent": 3}  # noqa: E731

    results = [run_daily(name="pass", hour=8, job=job, now=at(h, m)) for h, m in ((8, 0), (8, 15), (14, 0))]

    assert results == [{"sent": 3}, None, None]
    assert runs == [datetime.date(2026, 12, 1)]


def test_a_missed_tick_at_the_hour_is_made_up_at_the_next(db):
    """Redis was down from 07:55 to 09:40: the 08:00 tick never fired."""
    runs = []

    run_daily(name="pass", hour=8, job=lambda today: runs.append(today) or {}, now=at(9, 45))

    assert runs == [datetime.date(2026, 12, 1)]


def test_a_pass_that_fails_leaves_no_mark_and_runs_again(db):
    def broken(today):
        PeriodicRun.objects.create(name="other", day=today)  # its writes roll back with it
        raise ConnectionError("database went away")

    with pytest.raises(ConnectionError):
        run_daily(name="pass", hour=8, job=broken, now=at(8, 0))

    assert not PeriodicRun.objects.exists()
    assert run_daily(name="pass", hour=8, job=lambda today: {"ok": 1}, now=at(8, 15)) == {"ok": 1}


def test_each_day_runs_once(db):
    runs = []
    for day in (1, 1, 2, 2, 3):
        run_daily(name="pass", hour=8, job=lambda today: runs.append(today.day) or {}, now=at(9, day=day))

    assert runs == [1, 2, 3]


def test_the_run_is_recorded_with_the_pass_name_the_day_and_its_summary(db):
    run_daily(name="reminders", hour=8, job=lambda today: {"sent": 3, "skipped": 1}, now=at(8, 5))

    assert list(PeriodicRun.objects.values_list("name", "day", "result")) == [
        ("reminders", datetime.date(2026, 12, 1), {"sent": 3, "skipped": 1})
    ]


def test_a_pass_that_returns_no_summary_still_runs_once_and_keeps_its_writes(db):
    runs = []

    def job(today):
        runs.append(today.day)
        PeriodicRun.objects.create(name="written by the pass", day=today)

    assert run_daily(name="pass", hour=8, job=job, now=at(8, 0)) is None
    run_daily(name="pass", hour=8, job=job, now=at(8, 15))

    assert runs == [1]
    assert sorted(PeriodicRun.objects.values_list("name", "result")) == [("pass", {}), ("written by the pass", {})]


def test_two_passes_run_the_same_day_each_once(db):
    runs = []

    for name in ("reminders", "digests", "reminders", "digests"):
        run_daily(name=name, hour=8, job=lambda today, name=name: runs.append(name) or {}, now=at(9))

    assert runs == ["reminders", "digests"]
