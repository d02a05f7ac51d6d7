import datetime as dt
from uuid import uuid4

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import (
    Exists,
    F,
    FilteredRelation,
    Func,
    OuterRef,
    Q,
    Subquery,
    Value,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from clinic.models import CareProvider, CareTeamMembership, Client, Clinic

from . import instruments

TITLE_MAX = 200
MESSAGE_MAX = 5000
RESPONSE_MAX = 20000
INSTRUCTIONS_MAX = 5000
FEEDBACK_MAX = 5000
NOTE_MAX = 5000
REPEAT_MAX = 52
PLACE_MAX = 200
VIDEO_URL_MAX = 500
MEETING_MINUTES = (10, 240)
MEETING_MINUTES_DEFAULT = 50


class InSubquery(Func):
    """`expression IN (subquery)`; on PostgreSQL `= ANY(ARRAY(subquery))`, so the caseload
    subquery runs once up front instead of joining the planner's search."""

    output_field = models.BooleanField()

    def __init__(self, expression, queryset):
        super().__init__(expression, Subquery(queryset))

    def _operands(self, compiler):
        lhs, lhs_params = compiler.compile(self.source_expressions[0])
        rhs, rhs_params = compiler.compile(self.source_expressions[1])
        return lhs, rhs, (*lhs_params, *rhs_params)

    def as_sql(self, compiler, connection, **extra_context):
        lhs, rhs, params = self._operands(compiler)
        return f"{lhs} IN {rhs}", params

    def as_postgresql(self, compiler, connection, **extra_context):
        lhs, rhs, params = self._operands(compiler)
        return f"{lhs} = ANY(ARRAY{rhs})", params


def _scope_for(user, *, client_path):
    """What `user` may see, `client_path` leading to the Client: a provider's care team as of
    *now* (removal takes access away at once), a client their own, anyone else nothing."""
    if not user.is_authenticated:
        return None
    provider = user.provider_profile
    if provider is not None:
        return InSubquery(
            F(client_path), CareTeamMembership.objects.filter(provider=provider).values("client_id")
        )
    client = user.client_profile
    if client is not None:
        return Q(**{client_path: client.pk})
    return None


class SessionQuerySet(models.QuerySet):
    def visible_to(self, user):
        scope = _scope_for(user, client_path="client_id")
        return self.none() if scope is None else self.filter(scope)

    def open(self):
        return self.filter(status=Session.Status.OPEN)

    def not_cancelled(self):
        return self.exclude(status=Session.Status.CANCELLED)

    def in_progress(self, now=None):
        now = now or timezone.now()
        return self.open().filter(starts_at__lte=now, ends_at__gt=now)

    def overdue(self, now=None):
        now = now or timezone.now()
        return self.open().filter(ends_at__lte=now)

    def upcoming(self, now=None):
        now = now or timezone.now()
        return self.open().filter(starts_at__gt=now)

    def with_timing(self, timing, now=None):
        if timing in (Session.Timing.CLOSED, Session.Timing.CANCELLED):
            return self.filter(status=timing)
        by_timing = {
            Session.Timing.UPCOMING: self.upcoming,
            Session.Timing.IN_PROGRESS: self.in_progress,
            Session.Timing.OVERDUE: self.overdue,
        }
        return by_timing[timing](now)

    def with_unread(self, user):
        """Sessions with messages by others past `user`'s read position. A join on the
        trigger-kept last_message_id first leaves the few with news for the exact subquery."""
        read = FilteredRelation("read_positions", condition=Q(read_positions__user=user))
        news = Message.objects.filter(session=OuterRef("pk"), pk__gt=OuterRef("_upto")).exclude(
            author=user
        )
        return (
            self.alias(_read=read, _upto=Coalesce(F("_read__last_read_message_id"), Value(0)))
            .filter(last_message_id__gt=F("_upto"), last_message_id__isnull=False)
            .filter(Exists(news))
        )

    def with_names(self):
        """A list row's names only: fewer joins than with_people, so cheaper to plan."""
        return self.select_related("client__user", "provider__user")

    def list_rows(self, user):
        """A session list's rows as tuples of SessionRow.FIELDS, without model instances."""
        return (
            self.with_counts(user)
            .annotate(needs_attention=_needs_attention())
            .values_list(*SessionRow.FIELDS)
        )

    def with_people(self):
        return self.select_related(
            "clinic", "client__user", "provider__user", "created_by__user", "closed_by__user"
        )

    def with_counts(self, user=None):
        """Homework done/total and `user`'s unread count; raw SQL: the ORM's compiled slowly."""
        session = _column(Session, "id")
        homework = Assignment._meta.db_table
        qs = self.annotate(
            homework_total=_count(f"FROM {homework} WHERE {homework}.session_id = {session}"),
            homework_done=_count(
                f"FROM {homework} WHERE {homework}.session_id = {session} "
                f"AND {homework}.submitted_at IS NOT NULL"
            ),
        )
        if user is not None and user.is_authenticated:
            message, read = Message._meta.db_table, ReadPosition._meta.db_table
            read_upto = (
                f"SELECT {read}.last_read_message_id FROM {read} "  # noqa: S608 - no input
                f"WHERE {read}.session_id = {session} AND {read}.user_id = %s"
            )
            qs = qs.annotate(
                unread=_count(
                    f"FROM {message} WHERE {message}.session_id = {session} "
                    f"AND {message}.author_id <> %s AND {message}.id > COALESCE(({read_upto}), 0)",
                    (user.pk, user.pk),
                )
            )
        return qs


def _column(model, name):
    return f'"{model._meta.db_table}"."{name}"'


def _needs_attention():
    """Whether a questionnaire of the session needs attention: found in the small partial index
    questionnaire_attention by the session's client (usually empty)."""
    return models.Exists(
        QuestionnaireResponse.objects.needing_attention().filter(
            client_id=models.OuterRef("client_id"), assignment__session_id=models.OuterRef("pk")
        )
    )


def _count(sql, params=()):
    """A correlated COUNT(*) over the outer query's sessions table (never aliased)."""
    # Table and column names from the models; values only as parameters.
    return RawSQL(f"SELECT COUNT(*) {sql}", params, output_field=models.IntegerField())  # noqa: S611


class Session(models.Model):
    """A period of care for one client, held by one provider of the client's care team."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")
        CANCELLED = "cancelled", _("Cancelled")

    class Timing(models.TextChoices):
        UPCOMING = "upcoming", _("Upcoming")
        IN_PROGRESS = "in_progress", _("In progress")
        OVERDUE = "overdue", _("Overdue")
        CLOSED = "closed", _("Closed")
        CANCELLED = "cancelled", _("Cancelled")

    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    clinic = models.ForeignKey(
        Clinic, on_delete=models.PROTECT, related_name="sessions", verbose_name=_("clinic")
    )
    # Indexed by session_client_start (and the other indexes led by client), not on its own.
    client = models.ForeignKey(
        Client,
        db_index=False,
        on_delete=models.PROTECT,
        related_name="sessions",
        verbose_name=_("client"),
    )
    provider = models.ForeignKey(
        CareProvider,
        on_delete=models.PROTECT,
        related_name="held_sessions",
        verbose_name=_("provider"),
    )
    created_by = models.ForeignKey(
        CareProvider,
        on_delete=models.PROTECT,
        related_name="scheduled_sessions",
        verbose_name=_("scheduled by"),
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    series_id = models.UUIDField(_("series"), default=uuid4, editable=False)
    sequence = models.PositiveSmallIntegerField(_("number in the series"), default=1)
    # The session's name in the client's care: continues across series, never repeats.
    number = models.PositiveIntegerField(_("number"), default=1)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.OPEN)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        CareProvider,
        on_delete=models.PROTECT,
        related_name="closed_sessions",
        null=True,
        blank=True,
        verbose_name=_("closed by"),
    )
    close_note = models.TextField(_("closing note"), blank=True, max_length=NOTE_MAX)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        CareProvider,
        on_delete=models.PROTECT,
        related_name="cancelled_sessions",
        null=True,
        blank=True,
        verbose_name=_("cancelled by"),
    )
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True, max_length=NOTE_MAX)
    # The appointment inside the period (DESIGN.md section 9); none when meeting_starts_at is.
    meeting_starts_at = models.DateTimeField(_("meeting starts at"), null=True, blank=True)
    meeting_minutes = models.PositiveSmallIntegerField(
        _("meeting length in minutes"), null=True, blank=True
    )
    meeting_place = models.CharField(_("place"), max_length=PLACE_MAX, blank=True)
    meeting_video_url = models.CharField(_("video link"), max_length=VIDEO_URL_MAX, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    # Set by a trigger on message insert (migration 0003): unread counts skip quiet threads.
    last_message_id = models.BigIntegerField(null=True, blank=True, editable=False)

    objects = SessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["starts_at", "sequence"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="session_ends_after_start"
            ),
            models.CheckConstraint(condition=Q(sequence__gte=1), name="session_sequence_positive"),
            models.UniqueConstraint(
                fields=["series_id", "sequence"], name="session_series_sequence_unique"
            ),
            models.CheckConstraint(
                condition=(
                    Q(
                        status="open",
                        closed_at__isnull=True,
                        closed_by__isnull=True,
                        cancelled_at__isnull=True,
                        cancelled_by__isnull=True,
                    )
                    | Q(
                        status="closed",
                        closed_at__isnull=False,
                        closed_by__isnull=False,
                        cancelled_at__isnull=True,
                        cancelled_by__isnull=True,
                    )
                    | (
                        Q(
                            status="cancelled",
                            closed_at__isnull=True,
                            closed_by__isnull=True,
                            cancelled_at__isnull=False,
                            cancelled_by__isnull=False,
                        )
                        & ~Q(cancel_reason="")
                    )
                ),
                name="session_status_matches_fields",
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="session_number_positive"),
            models.UniqueConstraint(
                fields=["client", "number"], name="session_client_number_unique"
            ),
            models.CheckConstraint(
                condition=(
                    Q(
                        meeting_starts_at__isnull=True,
                        meeting_minutes__isnull=True,
                        meeting_place="",
                        meeting_video_url="",
                    )
                    | Q(
                        meeting_starts_at__gte=F("starts_at"),
                        meeting_starts_at__lt=F("ends_at"),
                        meeting_minutes__gte=MEETING_MINUTES[0],
                        meeting_minutes__lte=MEETING_MINUTES[1],
                    )
                ),
                name="session_meeting_inside_period",
            ),
            models.CheckConstraint(
                condition=Q(meeting_video_url="") | Q(meeting_video_url__startswith="https://"),
                name="session_video_url_https",
            ),
        ]
        indexes = [
            models.Index(fields=["clinic", "starts_at"], name="session_clinic_start"),
            # A caseload's lists, newest first: the page's order read from the index alone.
            models.Index(
                fields=["client", "starts_at"],
                include=["sequence", "id"],
                name="session_client_start",
            ),
            models.Index(fields=["provider", "status"], name="session_provider_status"),
            models.Index(fields=["series_id"], name="session_series"),
            models.Index(fields=["status", "ends_at"], name="session_status_end"),
            # Not partial on status='open': a prepared statement's generic plan can't use it.
            models.Index(fields=["client", "status", "ends_at"], name="session_client_status_end"),
            # with_unread over a caseload, answered from the index alone (status: cancelled
            # sessions leave the unread lists).
            models.Index(
                fields=["client"],
                include=["id", "last_message_id", "starts_at", "status"],
                condition=Q(last_message_id__isnull=False),
                name="session_client_messages",
            ),
            # A provider's calendar feed: the meetings from a day on, not every session.
            models.Index(
                fields=["provider", "meeting_starts_at"],
                condition=Q(meeting_starts_at__isnull=False),
                name="session_provider_meeting",
            ),
        ]

    def __str__(self):
        return gettext("Session %(number)s with %(client)s (%(day)s)") % {
            "number": self.number,
            "client": self.client,
            "day": formats.date_format(timezone.localtime(self.starts_at), "SHORT_DATE_FORMAT"),
        }

    def clean(self):
        super().clean()
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": gettext("The session must end after it starts.")})

    @property
    def is_open(self):
        return self.status == self.Status.OPEN

    @property
    def is_closed(self):
        return self.status == self.Status.CLOSED

    @property
    def is_cancelled(self):
        return self.status == self.Status.CANCELLED

    @property
    def has_meeting(self):
        return self.meeting_starts_at is not None

    @property
    def meeting_ends_at(self):
        if self.meeting_starts_at is None:
            return None
        return self.meeting_starts_at + dt.timedelta(minutes=self.meeting_minutes)

    def timing_at(self, now):
        return self.timing_of(self.status, self.starts_at, self.ends_at, now)

    @classmethod
    def timing_of(cls, status, starts_at, ends_at, now):
        """The timing rule on bare values (the API reads rows, not instances)."""
        if status == cls.Status.CLOSED:
            return cls.Timing.CLOSED
        if status == cls.Status.CANCELLED:
            return cls.Timing.CANCELLED
        if now < starts_at:
            return cls.Timing.UPCOMING
        if now < ends_at:
            return cls.Timing.IN_PROGRESS
        return cls.Timing.OVERDUE

    @property
    def timing(self):
        return self.timing_at(timezone.now())

    @property
    def duration(self):
        return self.ends_at - self.starts_at


class SessionRow:
    """A list row made from a SessionQuerySet.list_rows tuple, much cheaper than instances."""

    COLUMNS = {
        "pk": "pk",
        "uuid": "uuid",
        "sequence": "sequence",
        "number": "number",
        "series_id": "series_id",
        "starts_at": "starts_at",
        "ends_at": "ends_at",
        "status": "status",
        "client_uuid": "client__uuid",
        "client_name": "client__user__full_name",
        "provider_name": "provider__user__full_name",
        "homework_done": "homework_done",
        "homework_total": "homework_total",
        "unread": "unread",
        "meeting_starts_at": "meeting_starts_at",
        "meeting_minutes": "meeting_minutes",
        "needs_attention": "needs_attention",
    }
    FIELDS = tuple(COLUMNS.values())
    ATTRIBUTES = tuple(COLUMNS)
    __slots__ = (*ATTRIBUTES, "_values")

    def __init__(self, *values):
        for name, value in zip(self.ATTRIBUTES, values, strict=True):
            setattr(self, name, value)
        self._values = values

    # Alike by value: a rendered row is kept by its row (clinic.jinja2.kept).
    def __eq__(self, other):
        return isinstance(other, SessionRow) and self._values == other._values

    def __hash__(self):
        return hash(self._values)

    def timing_at(self, now):
        return Session.timing_of(self.status, self.starts_at, self.ends_at, now)

    @property
    def is_cancelled(self):
        return self.status == Session.Status.CANCELLED


class AssignmentQuerySet(models.QuerySet):
    def visible_to(self, user):
        scope = _scope_for(user, client_path="session__client_id")
        return self.none() if scope is None else self.filter(scope)

    def waiting_for_feedback(self):
        return self.filter(submitted_at__isnull=False, feedback__isnull=True)


class Assignment(models.Model):
    class Status(models.TextChoices):
        ASSIGNED = "assigned", _("Assigned")
        COMPLETED = "completed", _("Completed")

    class Kind(models.TextChoices):
        """Free text, or a standard questionnaire (sessions_app/instruments)."""

        TEXT = "text", _("Free text")
        PHQ9 = "phq9", "PHQ-9"
        GAD7 = "gad7", "GAD-7"

    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    session = models.ForeignKey(
        Session, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("session")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind, default=Kind.TEXT)
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    instructions = models.TextField(_("instructions"), blank=True, max_length=INSTRUCTIONS_MAX)
    due_at = models.DateTimeField(_("due"))
    created_by = models.ForeignKey(
        CareProvider,
        on_delete=models.PROTECT,
        related_name="assignments_given",
        verbose_name=_("given by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    response = models.TextField(_("answer"), blank=True, max_length=RESPONSE_MAX)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("homework")
        verbose_name_plural = _("homework")
        ordering = ["created_at", "pk"]
        constraints = [
            # A questionnaire's answers are its QuestionnaireResponse, not the text.
            models.CheckConstraint(
                condition=Q(submitted_at__isnull=True) | ~Q(response="") | ~Q(kind="text"),
                name="assignment_submitted_has_response",
            ),
            models.CheckConstraint(condition=~Q(title=""), name="assignment_title_not_empty"),
        ]
        indexes = [
            models.Index(fields=["session", "submitted_at"], name="assignment_session_submitted"),
        ]

    def __str__(self):
        return self.title

    @property
    def status(self):
        return self.status_of(self.submitted_at)

    @classmethod
    def status_of(cls, submitted_at):
        """Completed once answered (on a bare value: the API reads rows)."""
        return cls.Status.COMPLETED if submitted_at else cls.Status.ASSIGNED

    @property
    def is_completed(self):
        return self.submitted_at is not None

    @property
    def is_questionnaire(self):
        return self.kind != self.Kind.TEXT

    @property
    def instrument(self):
        """The questionnaire's Instrument, or None for free-text homework."""
        return instruments.instrument(self.kind)


class QuestionnaireResponseQuerySet(models.QuerySet):
    def visible_to(self, user):
        scope = _scope_for(user, client_path="client_id")
        return self.none() if scope is None else self.filter(scope)

    def needing_attention(self):
        return self.filter(flagged_at__isnull=False, acknowledged_at__isnull=True)


class QuestionnaireResponse(models.Model):
    """A client's answers to a questionnaire, with total and band kept as scored then (a code
    change must not rewrite history). A risk answer flags it until a provider acknowledges."""

    assignment = models.OneToOneField(
        Assignment,
        on_delete=models.PROTECT,
        related_name="questionnaire",
        verbose_name=_("homework"),
    )
    clinic = models.ForeignKey(
        Clinic, on_delete=models.PROTECT, related_name="+", verbose_name=_("clinic")
    )
    # The client's, copied from the session: trends and lists read a client's scores alone.
    # No index of its own: questionnaire_trend starts with it.
    client = models.ForeignKey(
        Client,
        db_index=False,
        on_delete=models.PROTECT,
        related_name="questionnaire_responses",
        verbose_name=_("client"),
    )
    instrument = models.CharField(_("questionnaire"), max_length=10, choices=Assignment.Kind)
    answers = models.JSONField(_("answers"), default=list)
    total = models.PositiveSmallIntegerField(_("total score"))
    band = models.CharField(_("severity"), max_length=20)
    submitted_at = models.DateTimeField(_("submitted at"))
    flagged_at = models.DateTimeField(_("flagged at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        CareProvider,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("acknowledged by"),
    )
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)

    objects = QuestionnaireResponseQuerySet.as_manager()

    class Meta:
        verbose_name = _("questionnaire answers")
        verbose_name_plural = _("questionnaire answers")
        ordering = ["submitted_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(instrument="phq9", total__lte=27) | Q(instrument="gad7", total__lte=21),
                name="questionnaire_total_in_range",
            ),
            models.CheckConstraint(
                condition=Q(acknowledged_at__isnull=True, acknowledged_by__isnull=True)
                | Q(
                    acknowledged_at__isnull=False,
                    acknowledged_by__isnull=False,
                    flagged_at__isnull=False,
                ),
                name="questionnaire_acknowledged_when_flagged",
            ),
        ]
        indexes = [
            models.Index(
                fields=["client", "instrument", "submitted_at"], name="questionnaire_trend"
            ),
            # Needing attention is rare: the dashboard finds it in a small index.
            models.Index(
                fields=["client", "flagged_at"],
                condition=Q(flagged_at__isnull=False, acknowledged_at__isnull=True),
                name="questionnaire_attention",
            ),
        ]

    def __str__(self):
        return gettext("%(questionnaire)s: %(total)s") % {
            "questionnaire": self.get_instrument_display(),
            "total": self.total,
        }

    @property
    def needs_attention(self):
        return self.flagged_at is not None and self.acknowledged_at is None

    @property
    def band_label(self):
        band = instruments.instrument(self.instrument).band_named(self.band)
        return band.label if band else self.band

    def items(self):
        """(number, question, answer, the answer's words) for each question, in order."""
        scale = dict(instruments.SCALE)
        questions = instruments.instrument(self.instrument).items
        return [
            (number, question, answer, scale.get(answer, ""))
            for number, (question, answer) in enumerate(
                zip(questions, self.answers, strict=False), start=1
            )
        ]


class FeedbackQuerySet(models.QuerySet):
    def visible_to(self, user):
        scope = _scope_for(user, client_path="assignment__session__client_id")
        return self.none() if scope is None else self.filter(scope)


class Feedback(models.Model):
    """A provider's feedback on a client's homework; several per assignment are allowed."""

    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    clinic = models.ForeignKey(
        Clinic, on_delete=models.PROTECT, related_name="+", verbose_name=_("clinic")
    )
    assignment = models.ForeignKey(
        Assignment, on_delete=models.PROTECT, related_name="feedback", verbose_name=_("homework")
    )
    author = models.ForeignKey(
        CareProvider,
        on_delete=models.PROTECT,
        related_name="feedback_given",
        verbose_name=_("author"),
    )
    body = models.TextField(_("text"), max_length=FEEDBACK_MAX)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    objects = FeedbackQuerySet.as_manager()

    class Meta:
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(body=""), name="feedback_body_not_empty"),
        ]

    def __str__(self):
        return gettext("Feedback by %(author)s on %(homework)s") % {
            "author": self.author,
            "homework": self.assignment,
        }


class MessageQuerySet(models.QuerySet):
    def visible_to(self, user):
        scope = _scope_for(user, client_path="session__client_id")
        return self.none() if scope is None else self.filter(scope)

    def with_authors(self):
        return self.select_related("author__careprovider", "author__client")


class Message(models.Model):
    """A message inside a session, from the client or a provider on the care team."""

    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    clinic = models.ForeignKey(
        Clinic, on_delete=models.PROTECT, related_name="+", verbose_name=_("clinic")
    )
    session = models.ForeignKey(
        Session, on_delete=models.PROTECT, related_name="messages", verbose_name=_("session")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="messages_sent",
        verbose_name=_("author"),
    )
    body = models.TextField(_("text"), max_length=MESSAGE_MAX)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    objects = MessageQuerySet.as_manager()

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(body=""), name="message_body_not_empty"),
        ]
        indexes = [models.Index(fields=["session", "id"], name="message_session_id")]

    def __str__(self):
        return gettext("Message by %(author)s in session %(session)s") % {
            "author": self.author,
            "session": self.session_id,
        }

    @property
    def author_role(self):
        return self.author.role


class ReadPosition(models.Model):
    """How far a person has read a session's messages (for unread counts)."""

    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="read_positions", verbose_name=_("session")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("person"),
    )
    last_read_message_id = models.BigIntegerField(_("last message read"), default=0)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("read position")
        verbose_name_plural = _("read positions")
        constraints = [
            models.UniqueConstraint(fields=["session", "user"], name="readposition_unique"),
        ]
        indexes = [
            # A person's read positions in one range, for unread counts over a caseload.
            models.Index(
                fields=["user", "session"],
                include=["last_read_message_id"],
                name="readposition_user_session",
            ),
        ]

    def __str__(self):
        return gettext("%(person)s read session %(session)s up to message %(message)s") % {
            "person": self.user,
            "session": self.session_id,
            "message": self.last_read_message_id,
        }


class SessionChangeQuerySet(models.QuerySet):
    def visible_to(self, user):
        scope = _scope_for(user, client_path="session__client_id")
        return self.none() if scope is None else self.filter(scope)


class SessionChange(models.Model):
    """One change or cancellation of a session: who, when, what (DESIGN.md section 9)."""

    class Kind(models.TextChoices):
        CHANGE = "change", _("Changed")
        CANCEL = "cancel", _("Cancelled")

    session = models.ForeignKey(
        Session, on_delete=models.PROTECT, related_name="changes", verbose_name=_("session")
    )
    clinic = models.ForeignKey(
        Clinic, on_delete=models.PROTECT, related_name="+", verbose_name=_("clinic")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind, default=Kind.CHANGE)
    changed_by = models.ForeignKey(
        CareProvider,
        on_delete=models.PROTECT,
        related_name="session_changes",
        verbose_name=_("changed by"),
    )
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now, editable=False)
    # {field: [before, after]}, times in ISO 8601, people by name.
    fields = models.JSONField(_("what changed"), default=dict, blank=True)
    reason = models.TextField(_("reason"), blank=True, max_length=NOTE_MAX)

    objects = SessionChangeQuerySet.as_manager()

    class Meta:
        verbose_name = _("session change")
        verbose_name_plural = _("session changes")
        ordering = ["changed_at", "pk"]
        indexes = [models.Index(fields=["session", "changed_at"], name="sessionchange_session")]

    def __str__(self):
        return gettext("%(kind)s by %(person)s") % {
            "kind": self.get_kind_display(),
            "person": self.changed_by,
        }


class IdempotencyRecord(models.Model):
    """The first answer to an API write sent with an Idempotency-Key (DESIGN.md section 9)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("person"),
    )
    key = models.CharField(_("key"), max_length=255)
    fingerprint = models.CharField(_("request fingerprint"), max_length=64)
    # None while the first request is still being answered.
    status_code = models.PositiveSmallIntegerField(_("status code"), null=True, blank=True)
    body = models.BinaryField(_("answer"), blank=True, default=b"")
    content_type = models.CharField(_("content type"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_user_key_unique"),
        ]

    def __str__(self):
        return self.key
