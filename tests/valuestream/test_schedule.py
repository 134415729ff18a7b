"""Business days, send windows across time zones and DST, holidays."""

from datetime import date, time

from tests.valuestream.conftest import at
from valuestream import schedule

NINE, FIVE = time(9, 0), time(17, 0)


def test_business_days_skip_the_weekend():
    friday = date(2026, 11, 20)

    assert schedule.add_business_days(friday, 1) == date(2026, 11, 23)  # Monday
    assert schedule.add_business_days(friday, 3) == date(2026, 11, 25)
    assert schedule.add_business_days(date(2026, 11, 21), 1) == date(2026, 11, 23)  # Saturday
    assert schedule.add_business_days(date(2026, 11, 21), 0) == date(2026, 11, 23)
    assert schedule.add_business_days(friday, 0) == friday


def test_business_days_skip_listed_holidays():
    christmas = {date(2026, 12, 25), date(2026, 12, 28)}

    assert schedule.add_business_days(date(2026, 12, 24), 1, christmas) == date(2026, 12, 29)


def test_inside_the_window_a_step_goes_now():
    moment = at("2026-11-25 10:00")

    assert schedule.next_send_time(moment, zone="Europe/London", start=NINE, end=FIVE) == moment


def test_before_the_window_in_new_york_it_waits_for_nine_local():
    moment = at("2026-11-25 10:00")  # 05:00 in New York

    sent = schedule.next_send_time(moment, zone="America/New_York", start=NINE, end=FIVE)

    assert sent == at("2026-11-25 14:00")


def test_after_the_window_on_friday_it_waits_for_monday():
    moment = at("2026-11-27 17:30", "Europe/Berlin")

    sent = schedule.next_send_time(moment, zone="Europe/Berlin", start=NINE, end=FIVE)

    assert sent == at("2026-11-30 09:00", "Europe/Berlin")


def test_a_holiday_moves_the_window_to_the_next_business_day():
    moment = at("2026-12-24 18:00")

    sent = schedule.next_send_time(
        moment, zone="Europe/London", start=NINE, end=FIVE, holidays={date(2026, 12, 25)}
    )

    assert sent == at("2026-12-28 09:00")


def test_the_window_opens_at_nine_local_across_the_european_spring_change():
    friday = at("2026-03-27 11:00")  # 11:00 GMT; clocks go forward on Sunday 29 March

    due = schedule.due_after_delay(friday, 1, zone="Europe/London", start=NINE, end=FIVE)

    assert due == at("2026-03-30 08:00")  # 09:00 BST
    assert due.astimezone(schedule.zoneinfo.ZoneInfo("Europe/London")).hour == 9


def test_the_window_opens_at_nine_local_across_the_us_autumn_change():
    friday = at("2026-10-30 15:00")  # 11:00 EDT; clocks go back on Sunday 1 November

    due = schedule.due_after_delay(friday, 1, zone="America/New_York", start=NINE, end=FIVE)

    assert due == at("2026-11-02 14:00")  # 09:00 EST


def test_a_delay_counts_business_days_in_the_prospects_zone():
    # Friday 23:30 UTC is already Saturday in Tokyo: one business day later is Monday 09:00 there.
    late_friday = at("2026-11-27 23:30")

    due = schedule.due_after_delay(late_friday, 1, zone="Asia/Tokyo", start=NINE, end=FIVE)

    assert due == at("2026-11-30 09:00", "Asia/Tokyo")
