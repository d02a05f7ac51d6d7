"""Every write about notifications: events, reminders, emails sent once, digests, settings."""

import datetime as dt
import logging
from uuid import uuid4

from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from kombu.exceptions import OperationalError
from redis.exceptions import RedisError

from clinic.models import CareTeamMembership, User
from sessions_app.models import Assignment, Session

from . import emails, selectors
from .models import (
    DIGEST_ONLY,
    DIGEST_TIME,
    URGENT,
    Digest,
    EmailMode,
    EmailSettings,
    EmailStatus,
    Kind,
    Notification,
)
from .texts import CLIENT, PROVIDER, role_of

logger = logging.getLogger(__name__)

# What publishing raises when the broker is not there (kombu wraps Redis's errors).
BROKER_ERRORS = (OperationalError, RedisError, OSError)

TO_CLIENT = frozenset(
    {
        Kind.SESSION_SCHEDULED,
        Kind.SESSION_CHANGED,
        Kind.SESSION_CANCELLED,
        Kind.HOMEWORK_GIVEN,
        Kind.FEEDBACK_GIVEN,
        Kind.SESSION_CLOSED,
        Kind.HOMEWORK_DUE,
    }
)
TO_TEAM = frozenset({Kind.ANSWER_SUBMITTED, Kind.ANSWERS_WAITING, Kind.QUESTIONNAIRE_RISK})
UNSUBSCRIBE_SALT = "notifications.unsubscribe"
ALL_DIGEST = "digest"
# A scan looks this far back for answers still waiting: a worker down for longer than that
# is an outage to handle by hand, and the scan stays bounded.
ANSWERS_WAITING_AFTER = dt.timedelta(hours=48)
ANSWERS_WAITING_LOOKBACK = dt.timedelta(days=14)
REMINDER_AHEAD = dt.timedelta(hours=24)
SCAN_BATCH = 1000


def _broker_outage():
    from django.conf import settings

    from clinic.cache import outage_for

    return outage_for(
        settings.CELERY_BROKER_URL or "memory://",
        "job queue",
        "notifications wait in the database for the sweep",
    )


def _enqueue(task, *args):
    """Hand a job to Celery. The rows are in the database already: if the broker is away
    the sweep (tasks.deliver_due) sends them once it is back, so nothing is raised, and after
    a failure the broker is left alone a while (clinic.cache.Outage), so that a hung one does
    not cost every request a timeout."""
    outage = _broker_outage()
    if outage.retry_at and not outage.claim_probe():
        return
    try:
        task.delay(*args)
    except Exception as exc:  # the rows are safe in the database whatever it was
        if isinstance(exc, BROKER_ERRORS) and not task.app.conf.task_always_eager:
            outage.failed(exc)
        else:
            logger.warning("Could not enqueue %s%r; the sweep will send it.", task.name, args)
        return
    if outage.since is not None:
        outage.recovered()


def _path(role, session):
    if session is None:
        return reverse("notifications:list")
    name = "provider-session-detail" if role == PROVIDER else "portal-session-detail"
    return reverse(f"sessions_app:{name}", args=[session.uuid])


def _team_users(client_id, memberships=None):
    if memberships is None:
        memberships = CareTeamMembership.objects.filter(client_id=client_id).select_related(
            "provider__user"
        )
    return [m.provider.user for m in memberships]


def _recipients(kind, *, client, session, actor, team=None):
    """(user, role) pairs to tell: never the actor, inactive people or providers off the team."""
    team = _team_users(client.pk) if team is None else team
    if kind in TO_CLIENT:
        people = [(client.user, CLIENT)]
    elif kind in TO_TEAM:
        people = [(user, PROVIDER) for user in team]
    elif kind == Kind.MESSAGE_POSTED:
        if actor is not None and actor.pk == client.user_id:
            people = [(user, PROVIDER) for user in team]
        else:
            people = [(client.user, CLIENT)]
    elif kind == Kind.MEETING_REMINDER:
        holder = session.provider.user
        people = [(client.user, CLIENT)]
        people += [(holder, PROVIDER)] if any(u.pk == holder.pk for u in team) else []
    else:
        raise ValueError(f"Unknown notification kind {kind!r}")
    actor_pk = getattr(actor, "pk", None)
    return [(u, role) for u, role in people if u.is_active and u.pk != actor_pk]


def _rows(kind, *, event, client, session, actor, team=None, now=None):
    now = now or timezone.now()
    return [
        Notification(
            user=user,
            kind=kind,
            event=event,
            client=client,
            session=session,
            path=_path(role, session),
            created_at=now,
        )
        for user, role in _recipients(kind, client=client, session=session, actor=actor, team=team)
    ]


def record_event(kind, *, session=None, client=None, actor=None, key=None):
    """A row per recipient in the caller's transaction; emails go after the commit. `key` names
    the event, so recording it again changes nothing; without one each call is a new event."""
    kind = Kind(kind)
    client = client or session.client
    event = f"{kind.value}:{key if key is not None else uuid4().hex}"
    rows = _rows(kind, event=event, client=client, session=session, actor=actor)
    if rows:
        Notification.objects.bulk_create(rows, ignore_conflicts=True)
        _bell_changed({row.user_id for row in rows})
        transaction.on_commit(lambda: _after_commit(event))
    return event


def _bell_changed(user_ids):
    """Drop the bells' kept counts now and again after the commit, so that a page read
    between the two does not keep the old count."""
    keys = [selectors.bell_key(user_id) for user_id in user_ids]
    cache.delete_many(keys)
    transaction.on_commit(lambda: cache.delete_many(keys))


def _after_commit(event):
    from . import tasks

    _enqueue(tasks.deliver_event, event)


def questionnaire_risk_notify(*, client, key, session=None):
    """Tell the whole care team at once, quiet hours or not; a repeated `key` notifies no one."""
    return record_event(Kind.QUESTIONNAIRE_RISK, client=client, session=session, key=key)


def _reminder_rows(kind, items, *, now):
    """Rows for (session, key) pairs, the care teams of all their clients read at once."""
    client_ids = {session.client_id for session, _ in items}
    teams = {}
    memberships = CareTeamMembership.objects.filter(client_id__in=client_ids).select_related(
        "provider__user"
    )
    for membership in memberships:
        teams.setdefault(membership.client_id, []).append(membership)
    rows = []
    for session, key in items:
        team = _team_users(session.client_id, teams.get(session.client_id, []))
        rows += _rows(
            kind,
            event=f"{kind.value}:{key}",
            client=session.client,
            session=session,
            actor=None,
            team=team,
            now=now,
        )
    return rows


def reminder_scans(*, now):
    """(kind, queryset, row -> (session, key)) per reminder: windows, so the next run makes up."""
    related = ("client__user", "provider__user", "clinic")
    meetings = (
        Session.objects.filter(
            meeting_starts_at__gt=now,
            meeting_starts_at__lte=now + REMINDER_AHEAD,
            status=Session.Status.OPEN,
        )
        .select_related(*related)
        .order_by()
    )
    due = (
        Assignment.objects.filter(
            due_at__gt=now,
            due_at__lte=now + REMINDER_AHEAD,
            submitted_at__isnull=True,
            session__status=Session.Status.OPEN,
        )
        .select_related(*(f"session__{name}" for name in related))
        .order_by()
    )
    waiting = (
        Assignment.objects.filter(
            submitted_at__lte=now - ANSWERS_WAITING_AFTER,
            submitted_at__gt=now - ANSWERS_WAITING_AFTER - ANSWERS_WAITING_LOOKBACK,
            feedback__isnull=True,
            session__status=Session.Status.OPEN,
        )
        .select_related(*(f"session__{name}" for name in related))
        .order_by()
    )
    # The key holds the time reminded of: a meeting moved to another day is reminded again.
    return [
        (Kind.MEETING_REMINDER, meetings, lambda s: (s, f"{s.pk}:{s.meeting_starts_at:%s}")),
        (Kind.HOMEWORK_DUE, due, lambda a: (a.session, f"{a.pk}:{a.due_at:%s}")),
        (Kind.ANSWERS_WAITING, waiting, lambda a: (a.session, f"{a.pk}:{a.submitted_at:%s}")),
    ]


def reminders_record(*, now=None):
    """Record what is due for a reminder, once (the unique key); returns the rows made."""
    now = now or timezone.now()
    made = 0
    for kind, queryset, item in reminder_scans(now=now):
        batch = []
        for found in queryset.iterator(chunk_size=SCAN_BATCH):
            batch.append(item(found))
            if len(batch) == SCAN_BATCH:
                made += _reminders_write(kind, batch, now=now)
                batch = []
        if batch:
            made += _reminders_write(kind, batch, now=now)
    return made


def _reminders_write(kind, items, *, now):
    rows = _reminder_rows(kind, items, now=now)
    events = {row.event for row in rows}
    with transaction.atomic():
        # Rows already there are left alone (the unique key): count what this run added.
        before = Notification.objects.filter(event__in=events).count()
        Notification.objects.bulk_create(rows, ignore_conflicts=True)
        _bell_changed({row.user_id for row in rows})
        made = Notification.objects.filter(event__in=events).count() - before
    return made


def _clinic_of(user):
    profile = user.provider_profile or user.client_profile
    return profile.clinic if profile is not None else None


def email_settings_of(user):
    found = EmailSettings.objects.filter(user=user).first()
    return found if found is not None else EmailSettings(user=user)


def quiet_until(*, quiet_start, quiet_end, tz, now):
    """The end of the quiet hours `now` falls in, on the clinic's clock, or None."""
    if quiet_start == quiet_end:
        return None
    local = timezone.localtime(now, tz)
    t = local.time()
    overnight = quiet_start > quiet_end
    inside = (t >= quiet_start or t < quiet_end) if overnight else quiet_start <= t < quiet_end
    if not inside:
        return None
    day = local.date()
    if t >= quiet_end:
        day += dt.timedelta(days=1)
    # Built on the wall clock: the hour stays 07:00 whatever daylight saving did overnight.
    return dt.datetime.combine(day, quiet_end, tzinfo=tz)


def _still_entitled(notification):
    """A deactivated person, or a provider taken off the client's care team, hears nothing."""
    user = notification.user
    if not user.is_active:
        return False
    if notification.client_id is None or user.provider_profile is None:
        return True
    return CareTeamMembership.objects.filter(
        client_id=notification.client_id, provider=user.provider_profile
    ).exists()


def notification_deliver(*, notification_id, now=None):
    """Email one notification if due, exactly once: the row stays locked while the mail goes out;
    a failed send raises (the task retries) and leaves the row as it was."""
    now = now or timezone.now()
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(of=("self",))
            .select_related("user__careprovider__clinic", "user__client__clinic")
            .filter(pk=notification_id)
            .first()
        )
        if notification is None or notification.email_status != EmailStatus.PENDING:
            return getattr(notification, "email_status", None)
        if notification.email_after is not None and notification.email_after > now:
            return notification.email_status
        user = notification.user
        prefs = email_settings_of(user)
        mode = prefs.mode_of(notification.kind)
        if not _still_entitled(notification) or mode == EmailMode.OFF:
            return _set_status(notification, EmailStatus.SKIPPED)
        if mode == EmailMode.DIGEST:
            return _set_status(notification, EmailStatus.DIGEST)
        clinic = _clinic_of(user)
        if notification.kind not in URGENT and clinic is not None:
            held = quiet_until(
                quiet_start=prefs.quiet_start, quiet_end=prefs.quiet_end, tz=clinic.tzinfo, now=now
            )
            if held is not None:
                notification.email_after = held
                notification.save(update_fields=["email_after"])
                return notification.email_status
        emails.notification_email(notification, role=role_of(user)).send()
        notification.sent_at = now
        return _set_status(notification, EmailStatus.SENT, "sent_at")


def _set_status(notification, status, *fields):
    notification.email_status = status
    notification.save(update_fields=["email_status", *fields])
    return status


def event_deliver(*, event, now=None):
    ids = Notification.objects.filter(event=event, email_status=EmailStatus.PENDING).values_list(
        "pk", flat=True
    )
    return [notification_deliver(notification_id=pk, now=now) for pk in list(ids)]


def pending_due(*, now=None, limit=5000):
    """Ids of notifications due and unsent: the sweep's work after an outage or quiet hours."""
    now = now or timezone.now()
    return list(
        Notification.objects.filter(email_status=EmailStatus.PENDING)
        .exclude(email_after__gt=now)
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )


def digest_moment(*, tz, now):
    """The latest 07:00 on the clinic's clock at or before `now`."""
    local = timezone.localtime(now, tz)
    day = local.date() if local.time() >= DIGEST_TIME else local.date() - dt.timedelta(days=1)
    return dt.datetime.combine(day, DIGEST_TIME, tzinfo=tz)


def digests_due(*, now=None):
    """(user id, day) of each digest whose hour has come and that is not sent yet."""
    now = now or timezone.now()
    users = (
        User.objects.filter(
            notifications__email_status=EmailStatus.DIGEST,
            is_active=True,
        )
        .select_related("careprovider__clinic", "client__clinic")
        .distinct()
    )
    due = []
    for user in users:
        clinic = _clinic_of(user)
        if clinic is None:
            continue
        moment = digest_moment(tz=clinic.tzinfo, now=now)
        waiting = user.notifications.filter(
            email_status=EmailStatus.DIGEST, created_at__lt=moment
        ).exists()
        sent = Digest.objects.filter(user=user, day=moment.date(), sent_at__isnull=False)
        if waiting and not sent.exists():
            due.append((user.pk, moment.date()))
    return due


def digest_send(*, user_id, day, now=None):
    """Send `user_id`'s digest of `day` once; returns the Digest, or None if there was nothing."""
    now = now or timezone.now()
    user = User.objects.select_related("careprovider__clinic", "client__clinic").get(pk=user_id)
    clinic = _clinic_of(user)
    if clinic is None or not user.is_active:
        return None
    moment = dt.datetime.combine(day, DIGEST_TIME, tzinfo=clinic.tzinfo)
    if moment > now:
        return None
    with transaction.atomic():
        digest, _created = Digest.objects.get_or_create(user=user, day=day)
        digest = Digest.objects.select_for_update().get(pk=digest.pk)
        if digest.sent_at is not None:
            return digest
        rows = list(
            Notification.objects.select_for_update(of=("self",))
            .filter(user=user, email_status=EmailStatus.DIGEST, created_at__lt=moment)
            .select_related("user__careprovider")
        )
        wanted = [n for n in rows if _still_entitled(n)]
        if wanted:
            emails.digest_email(user, wanted, role=role_of(user), day=day).send()
        Notification.objects.filter(pk__in=[n.pk for n in wanted]).update(
            email_status=EmailStatus.DIGESTED, digest=digest
        )
        Notification.objects.filter(pk__in=[n.pk for n in rows if n not in wanted]).update(
            email_status=EmailStatus.SKIPPED
        )
        digest.sent_at = now
        digest.save(update_fields=["sent_at"])
    return digest


def _read(unread, user, now):
    read = unread.update(read_at=now or timezone.now())
    if read:
        _bell_changed({user.pk})
    return read


def notification_open(*, user, notification, now=None):
    """Marks it and the others about the same place read; returns where it leads."""
    related = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification.session_id is not None:
        related = related.filter(session_id=notification.session_id)
    else:
        related = related.filter(pk=notification.pk)
    _read(related, user, now)
    return notification.path


def notification_mark_read(*, user, notification, now=None):
    unread = Notification.objects.filter(pk=notification.pk, user=user, read_at__isnull=True)
    return _read(unread, user, now)


def notifications_mark_all_read(*, user, now=None):
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    return _read(unread, user, now)


def session_notifications_read(*, user, session, now=None):
    """Opening a session's page marks `user`'s notifications about it read (one UPDATE)."""
    unread = Notification.objects.filter(user=user, session=session, read_at__isnull=True)
    return _read(unread, user, now)


def email_settings_save(*, user, modes, quiet_start, quiet_end):
    unknown = set(modes) - set(Kind.values) or {
        mode for mode in modes.values() if mode not in EmailMode.values
    }
    if unknown:
        raise ValidationError(_("Choose one of the email settings offered."))
    with transaction.atomic():
        prefs, _created = EmailSettings.objects.select_for_update().get_or_create(user=user)
        prefs.modes = {
            kind: mode
            for kind, mode in modes.items()
            # An "immediately" for a digest-only kind is the digest: keep what the form shows.
            if not (kind in DIGEST_ONLY and mode == EmailMode.IMMEDIATE)
        }
        prefs.quiet_start, prefs.quiet_end = quiet_start, quiet_end
        prefs.save()
    return prefs


def unsubscribe_token(*, user, kind):
    """A signed link's key that turns off one kind of email (or the digest) without log-in."""
    return signing.dumps({"u": str(user.uuid), "k": str(kind)}, salt=UNSUBSCRIBE_SALT)


def unsubscribe_target(token):
    """(user, kind) a token stands for, or None when it is forged or the person is gone."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
        kind = data["k"]
        user = User.objects.get(uuid=data["u"], is_active=True)
    except (signing.BadSignature, User.DoesNotExist, KeyError, TypeError, ValueError):
        return None
    if kind != ALL_DIGEST and kind not in Kind.values:
        return None
    return user, kind


def unsubscribe(*, token):
    """Turn off the email a token names: one kind, or every kind sent in the digest."""
    target = unsubscribe_target(token)
    if target is None:
        raise ValidationError(_("This unsubscribe link is not valid."))
    user, kind = target
    with transaction.atomic():
        prefs, _created = EmailSettings.objects.select_for_update().get_or_create(user=user)
        kinds = (
            [k for k in Kind.values if prefs.mode_of(k) == EmailMode.DIGEST]
            if kind == ALL_DIGEST
            else [kind]
        )
        prefs.modes = {**prefs.modes, **dict.fromkeys(kinds, EmailMode.OFF.value)}
        prefs.save(update_fields=["modes"])
    return user, kind
