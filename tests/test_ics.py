"""The iCalendar writer keeps each event's lines per process (calendars/ics.py): its files must
be what icalendar writes for the same calendar built whole."""

import datetime as dt
import zoneinfo

import icalendar
import pytest

from calendars.ics import CalendarEvent, calendar_file, event_component

START = dt.datetime(2026, 3, 27, 14, 0, tzinfo=dt.UTC)  # the week Europe's clocks change


def plain_file(events, *, tz, name):
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//CareSessions//Meetings//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    for event in events:
        calendar.add_component(event_component(event, tz))
    calendar.add_missing_timezones()
    return calendar.to_ical()


def events():
    return [
        CalendarEvent(
            uid=f"session-{n}@caresessions",
            sequence=n % 3,
            summary=f"Session – C.{n}.",  # noqa: RUF001
            starts_at=START + dt.timedelta(days=n),
            ends_at=START + dt.timedelta(days=n, minutes=50),
            stamp=START - dt.timedelta(hours=n),
            cancelled=n == 2,
            place="Room <4>, 2nd floor" if n == 1 else "",
            video_url="https://video.example/r/1" if n == 3 else "",
        )
        for n in range(5)
    ]


@pytest.mark.parametrize(
    "tz", [dt.UTC, zoneinfo.ZoneInfo("Europe/Madrid"), zoneinfo.ZoneInfo("America/New_York")]
)
def test_file_is_what_icalendar_writes_whole(tz):
    for name in ("CareSessions meetings", "Reuniones de CareSessions"):
        assert calendar_file(events(), tz=tz, name=name) == plain_file(events(), tz=tz, name=name)
        # again, from the kept lines
        assert calendar_file(events(), tz=tz, name=name) == plain_file(events(), tz=tz, name=name)


def test_empty_file_is_what_icalendar_writes_whole():
    zone = zoneinfo.ZoneInfo("Europe/Madrid")
    assert calendar_file([], tz=zone, name="x") == plain_file([], tz=zone, name="x")


def test_a_changed_value_changes_the_file():
    zone = zoneinfo.ZoneInfo("Europe/Madrid")
    before = calendar_file(events(), tz=zone, name="x")
    changed = events()
    changed[0] = changed[0]._replace(starts_at=START + dt.timedelta(hours=1))
    after = calendar_file(changed, tz=zone, name="x")
    assert after != before
    assert after == plain_file(changed, tz=zone, name="x")
    parsed = icalendar.Calendar.from_ical(after)
    assert parsed.walk("VEVENT")[0].decoded("dtstart") == START + dt.timedelta(hours=1)
