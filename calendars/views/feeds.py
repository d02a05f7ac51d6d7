"""The private calendar feeds, their buttons on the account page, and the portal's .ics."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.models import AnonymousUser
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View

from calendars import selectors, services
from calendars.ics import calendar_file
from clinic.mixins import ClientRequiredMixin
from clinic.services import chosen_language

ICS_TYPE = "text/calendar; charset=utf-8"


def ics_response(data, **headers):
    body = calendar_file(data.events, tz=data.tz, name=data.name)
    return HttpResponse(body, content_type=ICS_TYPE, headers=headers)


@method_decorator(login_not_required, name="dispatch")
class FeedView(View):
    """Fetched by calendar apps, without a log-in: the secret alone says whose feed it is."""

    http_method_names = ["get", "head"]

    def get(self, request, secret):
        # A log-in cookie sent along changes nothing: not whose feed, not whom the audit names.
        request.user = AnonymousUser()
        feed = selectors.calendar_feed_by_secret(secret=secret)
        if feed is None:
            raise Http404
        now = timezone.now()
        retry_after = services.calendar_feed_fetch(feed=feed, now=now, request=request)
        if retry_after is not None:
            response = render(request, "429.html", status=429)
            response["Retry-After"] = str(retry_after)
            return response
        # The owner's language, else the product's: never the caller's (a calendar app).
        language = chosen_language(feed.user, default=settings.LANGUAGE_CODE)
        with translation.override(language):
            data = selectors.calendar_feed_events(owner=feed.user, now=now)
            response = ics_response(data, **{"Content-Language": language})
        response["Cache-Control"] = "private, no-store"
        return response


class FeedActionView(View):
    """A button of the account page's "Calendar feed" section: POST, then back to the page."""

    http_method_names = ["post"]

    def act(self, user):
        raise NotImplementedError

    def post(self, request):
        message = self.act(request.user)
        if message:
            messages.success(request, message)
        return redirect("clinic:account")


class FeedCreateView(FeedActionView):
    def act(self, user):
        services.calendar_feed_create(user=user)
        return _("Your calendar feed is ready: copy its address into your calendar app.")


class FeedRegenerateView(FeedActionView):
    def act(self, user):
        services.calendar_feed_regenerate(user=user)
        return _("Your calendar feed has a new address: the old one no longer works.")


class FeedRevokeView(FeedActionView):
    def act(self, user):
        if services.calendar_feed_revoke(user=user):
            return _("Your calendar feed is turned off: its address no longer works.")
        return ""


class PortalMeetingIcsView(ClientRequiredMixin, View):
    http_method_names = ["get", "head"]

    def get(self, request, session_id):
        found = selectors.portal_meeting_event(viewer=request.user, session_id=session_id)
        if found is None:
            raise Http404
        number, data = found
        disposition = f'attachment; filename="session-{number}.ics"'
        return ics_response(data, **{"Content-Disposition": disposition})
