"""Reads of the audit trail's page, from AuditEvent.objects.visible_to(), told in words."""

import datetime as dt
from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from clinic.models import CareProvider, Client, Invitation, User

from .models import AuditEvent

EVENTS_PER_PAGE = 50
# A client filter looks for this many of the client's latest sessions in list reads.
LISTED_MATCHES = 100
# A CSV export holds at most this many events: a narrower filter gives the rest.
EXPORT_LIMIT = 20_000

KIND_VIEWS = "views"
KIND_CHANGES = "changes"
KIND_LOGINS = "logins"
KIND_REFUSED = "refused"
LOGIN_ACTIONS = ("login", "logout")


@dataclass(frozen=True)
class AuditFilters:
    person: object = None  # a User of the clinic
    client: object = None  # a Client of the clinic
    kind: str = ""
    since: dt.date | None = None
    until: dt.date | None = None


@dataclass(frozen=True)
class DescribedEvent:
    event: AuditEvent
    who: str
    sentence: str


def audit_people(*, admin):
    """(users, clients) an admin may filter by: the clinic's providers and clients."""
    providers = CareProvider.objects.visible_to(admin.user).select_related("user")
    clients = Client.objects.of_clinic_admin(admin.user).select_related("user")
    return list(providers), list(clients)


# Requests that only say "still here" (static/js/idle.js): kept in the trail, not listed.
NOT_LISTED = ("view:clinic:keep-alive",)


def _filtered(admin, filters):
    events = AuditEvent.objects.visible_to(admin.user).exclude(action__in=NOT_LISTED)
    if filters.person is not None:
        events = events.filter(user_id=filters.person.pk)
    if filters.client is not None:
        events = events.filter(_about_client(filters.client))
    if filters.kind == KIND_VIEWS:
        events = events.filter(action__startswith="view:", outcome=AuditEvent.Outcome.OK)
    elif filters.kind == KIND_CHANGES:
        events = events.filter(outcome=AuditEvent.Outcome.OK).exclude(
            Q(action__startswith="view:")
            | Q(action__in=LOGIN_ACTIONS)
            | Q(action__startswith="mfa.")
        )
    elif filters.kind == KIND_LOGINS:
        events = events.filter(Q(action__in=LOGIN_ACTIONS) | Q(action__startswith="mfa."))
    elif filters.kind == KIND_REFUSED:
        events = events.exclude(outcome=AuditEvent.Outcome.OK)
    tz = timezone.get_current_timezone()
    if filters.since is not None:
        start = dt.datetime.combine(filters.since, dt.time.min, tzinfo=tz)
        events = events.filter(at__gte=start)
    if filters.until is not None:
        end = dt.datetime.combine(filters.until + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
        events = events.filter(at__lt=end)
    return events.order_by("-at", "-pk")


def _about_client(client):
    """Events by the client, or about them, their sessions or their homework."""
    from sessions_app.models import Assignment, Session

    in_order = Session.objects.filter(client=client).order_by("starts_at", "pk")
    sessions = [str(u) for u in in_order.values_list("uuid", flat=True)]
    assignments = [
        str(u)
        for u in Assignment.objects.filter(session__client=client).values_list("uuid", flat=True)
    ]
    about = (
        Q(user_id=client.user_id)
        | Q(object_type="client", object_id=str(client.uuid))
        | Q(object_type="session", object_id__in=sessions)
        | Q(object_type="assignment", object_id__in=assignments)
    )
    # List reads that showed the client or one of their (latest) sessions.
    for listed in [str(client.uuid), *sessions[-LISTED_MATCHES:]]:
        about |= Q(listed_ids__contains=listed)
    return about


def clinic_audit_events(*, admin, page, filters=None):
    """A Paginator.get_page() page of the clinic's events, newest first, each described."""
    events = _filtered(admin, filters or AuditFilters())
    page = Paginator(events, EVENTS_PER_PAGE).get_page(page)
    page.described = describe(list(page.object_list), clinic_id=admin.clinic_id)
    return page


def clinic_audit_export(*, admin, filters):
    """The filtered events, described, for the CSV export (newest first, at most EXPORT_LIMIT)."""
    events = list(_filtered(admin, filters)[:EXPORT_LIMIT])
    return describe(events, clinic_id=admin.clinic_id)


def _ids(events, object_type):
    return {e.object_id for e in events if e.object_type == object_type and e.object_id}


def _names(events, clinic_id):
    """What the events name, loaded a kind at a time: people, sessions, homework, clients."""
    from sessions_app.models import Assignment, Session

    users = {
        u.pk: u.full_name or u.email
        for u in User.objects.filter(pk__in={e.user_id for e in events if e.user_id})
    }
    session_of = {}
    sessions = Session.objects.filter(
        clinic_id=clinic_id, uuid__in=_valid_uuids(_ids(events, "session"))
    ).select_related("client__user")
    for session in sessions:
        session_of[str(session.uuid)] = _("%(client)s's session %(number)s") % {
            "client": session.client.name,
            "number": session.number,
        }
    assignments = Assignment.objects.filter(
        session__clinic_id=clinic_id, uuid__in=_valid_uuids(_ids(events, "assignment"))
    ).select_related("session__client__user")
    homework_of = {
        str(a.uuid): _("homework of %(client)s's session %(number)s")
        % {"client": a.session.client.name, "number": a.session.number}
        for a in assignments
    }
    clients = Client.objects.filter(
        clinic_id=clinic_id, uuid__in=_valid_uuids(_ids(events, "client"))
    ).select_related("user")
    providers = CareProvider.objects.filter(
        clinic_id=clinic_id, uuid__in=_valid_uuids(_ids(events, "careprovider"))
    ).select_related("user")
    people = {str(p.uuid): p.name for p in [*clients, *providers]}
    people.update(
        (str(u.uuid), u.full_name or u.email)
        for u in User.objects.filter(uuid__in=_valid_uuids(_ids(events, "user")))
    )
    invitations = Invitation.objects.filter(
        clinic_id=clinic_id, uuid__in=_valid_uuids(_ids(events, "invitation"))
    )
    people.update((str(i.uuid), i.email) for i in invitations)
    return users, {"session": session_of, "assignment": homework_of, "person": people}


def _valid_uuids(values):
    import uuid

    valid = []
    for value in values:
        try:
            valid.append(uuid.UUID(value))
        except ValueError:
            continue
    return valid


def _object_name(event, names):
    kind = event.object_type
    if not event.object_id:
        return ""  # a list read names its kind only: its sentence is the page's
    if kind == "session":
        return names["session"].get(event.object_id) or _("a session of this clinic")
    if kind == "assignment":
        return names["assignment"].get(event.object_id) or _("homework of this clinic")
    if kind in ("client", "careprovider", "user", "invitation"):
        return names["person"].get(event.object_id) or _("a person of this clinic")
    return ""


def _write_sentences():
    """The actions the services record, as sentences: %(who)s did it to %(object)s."""
    return {
        "session.schedule": _("%(who)s scheduled %(object)s"),
        "session.change": _("%(who)s changed %(object)s"),
        "session.cancel": _("%(who)s cancelled %(object)s"),
        "session.close": _("%(who)s closed %(object)s"),
        "session.hand_over": _("%(who)s handed over %(object)s"),
        "assignment.add": _("%(who)s added %(object)s"),
        "assignment.submit": _("%(who)s answered %(object)s"),
        "feedback.give": _("%(who)s gave feedback on %(object)s"),
        "message.post": _("%(who)s wrote a message in %(object)s"),
        "careteam.set": _("%(who)s set the care team of %(object)s"),
        "client.invite": _("%(who)s invited %(object)s as a client"),
        "provider.invite": _("%(who)s invited %(object)s as a care provider"),
        "invitation.send": _("%(who)s sent an invitation to %(object)s"),
        "invitation.resend": _("%(who)s re-sent the invitation to %(object)s"),
        "invitation.revoke": _("%(who)s revoked the invitation to %(object)s"),
        "invitation.accept": _("%(who)s accepted their invitation"),
        "provider.update": _("%(who)s edited the details of %(object)s"),
        "client.update": _("%(who)s edited the details of %(object)s"),
        "person.deactivate": _("%(who)s deactivated %(object)s"),
        "person.reactivate": _("%(who)s reactivated %(object)s"),
        "login": _("%(who)s logged in"),
        "logout": _("%(who)s logged out"),
        "mfa.added": _("%(who)s set up two-factor authentication"),
        "mfa.removed": _("%(who)s turned off two-factor authentication"),
        "mfa.recovery_codes_reset": _("%(who)s made new recovery codes"),
        "api_token.create": _("%(who)s made an API token"),
        "api_token.revoke": _("%(who)s revoked their API token"),
        "calendar_feed.create": _("%(who)s made a calendar feed"),
        "calendar_feed.regenerate": _("%(who)s made a new calendar feed address"),
        "calendar_feed.revoke": _("%(who)s turned off their calendar feed"),
        "calendar_feed.fetch": _("%(who)s's calendar app fetched their feed"),
    }


def _page_sentences():
    # Pages opened without an object: the page's name, as its own heading says.
    return {
        "sessions_app:provider-dashboard": _("%(who)s opened their dashboard"),
        "sessions_app:portal-dashboard": _("%(who)s opened their dashboard"),
        "sessions_app:provider-session-list": _("%(who)s opened the list of sessions"),
        "sessions_app:portal-session-list": _("%(who)s opened the list of sessions"),
        "sessions_app:provider-client-list": _("%(who)s opened the list of clients"),
        "sessions_app:provider-calendar": _("%(who)s opened the calendar"),
        "clinic:people": _("%(who)s opened the clinic's people"),
        "clinic:audit": _("%(who)s opened the audit trail"),
        "clinic:invite": _("%(who)s opened the invitation form"),
        "clinic:provider-edit": _("%(who)s opened the details of a care provider"),
        "clinic:provider-deactivate": _("%(who)s opened the deactivation of a care provider"),
        "clinic:provider-hand-over": _("%(who)s opened the sessions of a deactivated provider"),
        "clinic:account": _("%(who)s opened their account settings"),
        "clinic:api-token": _("%(who)s opened their API tokens"),
        "sessions_app:provider-session-schedule": _("%(who)s opened the scheduling form"),
        "calendars:provider-calendar": _("%(who)s opened the calendar"),
        "account_change_password": _("%(who)s opened the password change"),
        "mfa_index": _("%(who)s opened their two-factor settings"),
        "api:session-list": _("%(who)s listed sessions through the API"),
        "api:client-list": _("%(who)s listed clients through the API"),
    }


def _sentence(event, who, names, writes, pages):
    obj = _object_name(event, names)
    refused = event.outcome != AuditEvent.Outcome.OK
    if event.action == "login" and refused:
        return _("A log-in as %(email)s failed") % {"email": event.user_email or "—"}
    verb, _colon, target = event.action.partition(":")
    if verb in ("view", "request") and _colon:
        if refused:
            if obj:
                return _("%(who)s was refused %(object)s") % {"who": who, "object": obj}
            return _("%(who)s was refused the page %(path)s") % {"who": who, "path": event.path}
        if obj:
            person = event.object_type in ("client", "careprovider", "user")
            if verb == "view" and person:
                return _("%(who)s opened the details of %(object)s") % {"who": who, "object": obj}
            if verb == "view":
                return _("%(who)s opened %(object)s") % {"who": who, "object": obj}
            return _("%(who)s sent a change to %(object)s") % {"who": who, "object": obj}
        if verb == "view" and target in pages:
            text = pages[target] % {"who": who}
            if event.listed_count is not None:
                return ngettext(
                    "%(what)s (%(count)s found)", "%(what)s (%(count)s found)", event.listed_count
                ) % {"what": text, "count": event.listed_count}
            return text
        if verb == "view":
            return _("%(who)s opened the page %(path)s") % {"who": who, "path": event.path}
        return _("%(who)s sent a change to %(path)s") % {"who": who, "path": event.path}
    template = writes.get(event.action)
    if template is None:
        template = _("%(who)s: %(action)s") if not obj else _("%(who)s: %(action)s, %(object)s")
    text = template % {"who": who, "object": obj, "action": event.action}
    if refused:
        return _("%(what)s (refused)") % {"what": text}
    return text


def describe(events, *, clinic_id):
    users, names = _names(events, clinic_id)
    writes, pages = _write_sentences(), _page_sentences()
    described = []
    for event in events:
        who = users.get(event.user_id) or event.user_email or _("Someone not logged in")
        described.append(DescribedEvent(event, who, _sentence(event, who, names, writes, pages)))
    return described
