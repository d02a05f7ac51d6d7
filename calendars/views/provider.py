"""The provider's calendar page: a day, a week or a month of meetings (issue 15, point 1)."""

import datetime as dt
import uuid
from collections import defaultdict
from operator import attrgetter
from typing import NamedTuple

from django.contrib import messages
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from calendars import selectors
from clinic.mixins import ProviderRequiredMixin

VIEWS = ("day", "week", "month")


def _range(view, day):
    """[first, last] days shown and the (previous, next) anchor days."""
    if view == "day":
        return day, day, day - dt.timedelta(days=1), day + dt.timedelta(days=1)
    if view == "week":
        first = day - dt.timedelta(days=day.weekday())
        return first, first + dt.timedelta(days=6), day - dt.timedelta(7), day + dt.timedelta(7)
    month_start = day.replace(day=1)
    next_month = (month_start + dt.timedelta(days=32)).replace(day=1)
    prev_month = (month_start - dt.timedelta(days=1)).replace(day=1)
    first = month_start - dt.timedelta(days=month_start.weekday())
    last_of_month = next_month - dt.timedelta(days=1)
    last = last_of_month + dt.timedelta(days=6 - last_of_month.weekday())
    return first, last, prev_month, next_month


class CalendarDay(NamedTuple):
    """A day of the grid (attributes, not a dict: the template reads each a dozen times)."""

    date: dt.date
    is_today: bool
    in_month: bool
    meetings: list
    periods: list


def _midnight(day, tz):
    return dt.datetime.combine(day, dt.time(), tzinfo=tz)


class ProviderCalendarView(ProviderRequiredMixin, TemplateView):
    template_name = "calendars/provider_calendar.html"

    def get_context_data(self, **kwargs):
        query = self.request.GET
        tz = self.provider.clinic.tzinfo
        today = timezone.now().astimezone(tz).date()
        view = query.get("view", "week")
        if view not in VIEWS:
            messages.warning(self.request, _("Unknown calendar view: showing the week."))
            view = "week"
        try:
            day = dt.date.fromisoformat(query["date"]) if query.get("date") else today
        except ValueError:
            messages.warning(self.request, _("Unknown date (YYYY-MM-DD): showing today."))
            day = today
        choices = selectors.calendar_providers(viewer=self.request.user)
        provider = self.provider
        if query.get("provider"):
            try:
                wanted = uuid.UUID(query["provider"])
            except ValueError:
                raise Http404 from None
            provider = next((p for p in choices if p.uuid == wanted), None)
            if provider is None:
                raise Http404
        first, last, prev_day, next_day = _range(view, day)
        start, end = _midnight(first, tz), _midnight(last + dt.timedelta(days=1), tz)
        sessions = selectors.provider_calendar(
            viewer=self.request.user, provider=provider, start=start, end=end
        )
        meetings, periods = defaultdict(list), defaultdict(list)
        for s in sessions:
            if s.meeting_starts_at is not None and start <= s.meeting_starts_at < end:
                meetings[s.meeting_starts_at.astimezone(tz).date()].append(s)
            # A period's band stands on the first day of it shown, not on each of its days:
            # a caseload of weekly sessions would otherwise fill every day with every client.
            periods[max(s.starts_at, start).astimezone(tz).date()].append(s)
        days = []
        current = first
        while current <= last:
            days.append(
                CalendarDay(
                    date=current,
                    is_today=current == today,
                    in_month=view != "month" or current.month == day.month,
                    meetings=sorted(meetings[current], key=attrgetter("meeting_starts_at")),
                    periods=periods[current],
                )
            )
            current += dt.timedelta(days=1)
        weeks = [days[i : i + 7] for i in range(0, len(days), 7)]

        def link(**changes):
            params = query.copy()
            for key, value in changes.items():
                params[key] = value
            if provider == self.provider:
                params.pop("provider", None)
            else:
                params["provider"] = str(provider.uuid)
            return f"?{params.urlencode()}"

        return super().get_context_data(
            view=view,
            views=VIEWS,
            day=day,
            first=first,
            last=last,
            days=days,
            weeks=weeks,
            tz=tz,
            provider=provider,
            is_me=provider == self.provider,
            choices=choices,
            prev_url=link(view=view, date=prev_day.isoformat()),
            next_url=link(view=view, date=next_day.isoformat()),
            today_url=link(view=view, date=today.isoformat()),
            view_url={v: link(view=v, date=day.isoformat()) for v in VIEWS},
            **kwargs,
        )
