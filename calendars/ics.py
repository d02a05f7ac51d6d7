"""iCalendar files (RFC 5545) of meetings: the private feeds and the portal's .ics file."""

import datetime as dt
import functools
from typing import NamedTuple

import icalendar


class CalendarEvent(NamedTuple):
    """One meeting as a calendar shows it: no names or clinical text beyond `summary`. A
    tuple: a feed makes hundreds, and each is a key of the kept lines."""

    uid: str
    sequence: int
    summary: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    stamp: dt.datetime
    cancelled: bool = False
    place: str = ""
    video_url: str = ""


def event_uid(session_uuid):
    """Stable per session, whatever changes: calendar apps match updates by it."""
    return f"session-{session_uuid}@caresessions"


def event_component(event, tz):
    entry = icalendar.Event()
    entry.add("uid", event.uid)
    entry.add("sequence", event.sequence)
    entry.add("dtstamp", event.stamp.astimezone(dt.UTC))
    entry.add("dtstart", event.starts_at.astimezone(tz))
    entry.add("dtend", event.ends_at.astimezone(tz))
    entry.add("summary", event.summary)
    entry.add("status", "CANCELLED" if event.cancelled else "CONFIRMED")
    if event.place:
        entry.add("location", event.place)
    if event.video_url:
        entry.add("url", event.video_url)
    return entry


# A feed is fetched again and again with few meetings changed: an event's lines are kept per
# process, keyed by every value they are written from (the event itself and the zone).
@functools.lru_cache(maxsize=16384)
def _event_lines(event, tz):
    return event_component(event, tz).to_ical()


@functools.lru_cache(maxsize=64)
def _frame(tz, name):
    """The calendar's opening lines and its closing ones (the zone's VTIMEZONE, when its
    events name one, and END), as icalendar writes a calendar around its events."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//CareSessions//Meetings//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    head, end = calendar.to_ical().rsplit(b"END:VCALENDAR", 1)
    probe = icalendar.Calendar()
    probe.add_component(event_component(_PROBE, tz))
    probe.add_missing_timezones()
    zones = b"".join(zone.to_ical() for zone in probe.timezones)
    return head, zones + b"END:VCALENDAR" + end


_PROBE = CalendarEvent(
    uid="probe",
    sequence=0,
    summary="",
    starts_at=dt.datetime(2000, 1, 1, tzinfo=dt.UTC),
    ends_at=dt.datetime(2000, 1, 1, tzinfo=dt.UTC),
    stamp=dt.datetime(2000, 1, 1, tzinfo=dt.UTC),
)


def calendar_file(events, *, tz, name):
    """The bytes of a VCALENDAR of `events`, their times in `tz` with its VTIMEZONE."""
    head, tail = _frame(tz, name)
    if not events:
        return head + b"END:VCALENDAR\r\n"
    return b"".join([head, *(_event_lines(event, tz) for event in events), tail])
