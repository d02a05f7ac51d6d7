"""iCalendar files (RFC 5545) of meetings: the private feeds and the portal's .ics file."""

import datetime as dt
from dataclasses import dataclass

import icalendar


@dataclass(frozen=True)
class CalendarEvent:
    """One meeting as a calendar shows it: no names or clinical text beyond `summary`."""

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


def calendar_file(events, *, tz, name):
    """The bytes of a VCALENDAR of `events`, their times in `tz` with its VTIMEZONE."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//CareSessions//Meetings//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    for event in events:
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
        calendar.add_component(entry)
    calendar.add_missing_timezones()
    return calendar.to_ical()
