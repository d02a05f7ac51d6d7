"""Reads of the calendars: the provider's calendar, the private feeds, the portal's .ics."""

import datetime as dt
import functools
from dataclasses import dataclass

from django.db.models import Count, Max, Q
from django.utils.translation import gettext

from clinic import compiled
from clinic.models import CareProvider, CareTeamMembership, Client
from sessions_app.models import Session

from .ics import CalendarEvent, event_uid
from .models import CalendarFeed

# Stand-in values of the calendar page's compiled reads (clinic/compiled.py): never real.
_CAL_VIEWER, _CAL_PROVIDER, _CAL_CLINIC = -1_000_201, -1_000_202, -1_000_203
_CAL_START = dt.datetime(1901, 2, 3, 4, 5, 6, 701, tzinfo=dt.UTC)
_CAL_END = dt.datetime(1902, 3, 4, 5, 6, 7, 702, tzinfo=dt.UTC)


def _calendar_providers_of(provider_id, clinic_id):
    my_clients = CareTeamMembership.objects.filter(provider_id=provider_id).values("client_id")
    colleagues = CareTeamMembership.objects.filter(client_id__in=my_clients).values("provider_id")
    return (
        CareProvider.objects.filter(clinic_id=clinic_id)
        .filter(Q(pk=provider_id) | Q(pk__in=colleagues))
        .select_related("user")
        .only("uuid", "clinic_id", "user__full_name", "user__email")
        .order_by("user__full_name", "pk")
    )


# The calendar page's reads, compiled once per process: building them cost more than running.
_calendar_providers = compiled.CompiledQuery(_calendar_providers_of, _CAL_VIEWER, _CAL_CLINIC)


def calendar_providers(*, viewer):
    """Whose calendar `viewer` may open: themselves and their clinic's colleagues on their
    clients' care teams (a clinic admin too: they see those sessions only)."""
    me = viewer.provider_profile
    if me is None:
        return []
    return _calendar_providers(me.pk, me.clinic_id)


@dataclass(frozen=True, slots=True)
class CalendarSession:
    """A session as the calendar page shows it (read as a tuple: a month holds hundreds)."""

    uuid: object
    number: int
    status: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    meeting_starts_at: dt.datetime | None
    meeting_minutes: int
    meeting_place: str
    meeting_video_url: str
    client_name: str
    client_email: str

    @property
    def client_label(self):
        return self.client_name or self.client_email

    @property
    def is_cancelled(self):
        return self.status == Session.Status.CANCELLED


_provider_calendar = compiled.CompiledQuery(
    lambda viewer_id, provider_id, start, end: (
        Session.objects.visible_to(compiled.viewer(0, provider_id=viewer_id))
        .filter(provider_id=provider_id, starts_at__lt=end, ends_at__gt=start)
        .order_by("starts_at", "pk")
        .values_list(
            "uuid",
            "number",
            "status",
            "starts_at",
            "ends_at",
            "meeting_starts_at",
            "meeting_minutes",
            "meeting_place",
            "meeting_video_url",
            "client__user__full_name",
            "client__user__email",
        )
    ),
    _CAL_VIEWER,
    _CAL_PROVIDER,
    _CAL_START,
    _CAL_END,
)


def provider_calendar(*, viewer, provider, start, end):
    """Sessions in `viewer`'s scope (a provider's) held by `provider` overlapping [start, end),
    with names."""
    rows = _provider_calendar(viewer.provider_profile.pk, provider.pk, start, end)
    return [CalendarSession(*row) for row in rows]


FEED_PAST = dt.timedelta(days=90)


@dataclass(frozen=True)
class CalendarFileData:
    events: list
    tz: object
    name: str


def calendar_feed_of(*, user):
    return CalendarFeed.objects.filter(user=user).only("secret", "created_at").first()


def calendar_feed_by_secret(*, secret):
    """The live feed of `secret` with its active owner, role and clinic; None otherwise."""
    return (
        CalendarFeed.objects.select_related("user__careprovider__clinic", "user__client__clinic")
        .filter(secret=secret, user__is_active=True)
        .first()
    )


def _initials(full_name):
    words = full_name.split()
    if not words:
        return ""
    picked = words if len(words) == 1 else [words[0], words[-1]]
    return "".join(f"{word[0].upper()}." for word in picked)


def _provider_summaries():
    """Full name -> event summary: sentences translated once a feed, summaries once a client."""
    plain, with_initials = gettext("Session"), gettext("Session – %(initials)s")  # noqa: RUF001
    summaries = {}

    def summary(full_name):
        if full_name not in summaries:
            initials = _initials(full_name)
            summaries[full_name] = with_initials % {"initials": initials} if initials else plain
        return summaries[full_name]

    return summary


def _meeting_rows(sessions):
    """The sessions with a meeting, with their change count and last change time."""
    return (
        sessions.filter(meeting_starts_at__isnull=False)
        .order_by("meeting_starts_at", "pk")
        .annotate(change_count=Count("changes"), changed_at=Max("changes__changed_at"))
        .values_list(
            "uuid",
            "number",
            "status",
            "created_at",
            "meeting_starts_at",
            "meeting_minutes",
            "meeting_place",
            "meeting_video_url",
            "client_id",
            "change_count",
            "changed_at",
            named=True,
        )
    )


@functools.lru_cache(maxsize=16384)
def _event(row, summary):
    return CalendarEvent(
        uid=event_uid(row.uuid),
        # Every change and the cancellation leave a SessionChange: each raises the SEQUENCE.
        sequence=row.change_count,
        summary=summary,
        starts_at=row.meeting_starts_at,
        ends_at=row.meeting_starts_at + dt.timedelta(minutes=row.meeting_minutes),
        stamp=row.changed_at or row.created_at,
        cancelled=row.status == Session.Status.CANCELLED,
        place=row.meeting_place,
        video_url=row.meeting_video_url,
    )


# Stand-in values of the compiled feed read (clinic/compiled.py): never a real id or time.
_FEED_PROVIDER = -1_000_102
_FEED_SINCE = dt.datetime(1901, 2, 3, 4, 5, 6, 789, tzinfo=dt.UTC)

# A calendar app fetches a feed every few minutes: its SQL is compiled once per process.
_provider_meeting_rows = compiled.CompiledQuery(
    lambda provider_id, since: _meeting_rows(
        Session.objects.visible_to(compiled.viewer(0, provider_id=provider_id)).filter(
            provider_id=provider_id, meeting_starts_at__gte=since
        )
    ),
    _FEED_PROVIDER,
    _FEED_SINCE,
)


_client_names = compiled.CompiledQuery(
    lambda ids: Client.objects.filter(compiled.AnyOf("pk", ids)).values_list(
        "pk", "user__full_name"
    ),
    [-1_000_103, -1_000_104],
)


def calendar_feed_events(*, owner, now):
    """The meetings of `owner`'s feed from FEED_PAST on, cancelled too; summaries carry no names.
    `owner` comes with role and clinic (calendar_feed_by_secret)."""
    provider, client = owner.provider_profile, owner.client_profile
    profile = provider or client
    if provider is not None:
        rows = _provider_meeting_rows(provider.pk, now - FEED_PAST)
        # Each client's name read once, not joined to each of their meetings.
        names = _client_names(list({row.client_id: None for row in rows})) if rows else ()
        summary = _provider_summaries()
        summaries = {pk: summary(name) for pk, name in names}
        events = [_event(row, summaries[row.client_id]) for row in rows]
    elif client is not None:
        summary = gettext("Session with your care team")
        sessions = Session.objects.visible_to(owner).filter(meeting_starts_at__gte=now - FEED_PAST)
        events = [_event(row, summary) for row in _meeting_rows(sessions)]
    else:
        events = []
    return CalendarFileData(
        events=events,
        tz=profile.clinic.tzinfo if profile is not None else dt.UTC,
        name=gettext("CareSessions meetings"),
    )


def portal_meeting_event(*, viewer, session_id):
    """(number, CalendarFileData) of the client's own session's meeting, or None."""
    client = viewer.client_profile
    if client is None:
        return None
    row = _meeting_rows(Session.objects.visible_to(viewer).filter(uuid=session_id)).first()
    if row is None:
        return None
    event = _event(row, gettext("Session with your care team"))
    return row.number, CalendarFileData(
        events=[event], tz=client.clinic.tzinfo, name=gettext("CareSessions meeting")
    )
