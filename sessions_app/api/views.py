"""The JSON API v1: the same services and selectors as the pages."""

import datetime as dt
import uuid

import orjson
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from clinic.permissions import require_client, require_provider
from sessions_app import selectors, services

from . import examples as ex
from . import output, schema
from . import serializers as s
from .idempotency import IdempotentWrites, extend_write_schema
from .schema import EVERYONE, PAGE_INVALID, problems
from .throttling import rate_limit_headers

CONFLICT_CODES = {
    "session_closed": "a closed session is read-only",
    "session_cancelled": "so is a cancelled one",
    "already_closed": "the session is closed already",
    "not_ready": "homework unfinished: its ids in `unfinished`",
    "feedback_given": "an answer with feedback can no longer be edited",
    "not_started": "homework opens when its session starts",
    "overlap": "a session of the client with the same provider is in the way: their ids in "
    "`sessions`",
    "overlap_other_provider": "the same with another provider",
    "idempotency_key_in_use": "a request with this Idempotency-Key is still being answered",
}


def conflict(*codes, example):
    """The 409 of an operation: the codes it can answer, and an example of one."""
    listed = "; ".join(f"`{code}` ({CONFLICT_CODES[code]})" for code in codes)
    return schema.conflict(f"The state forbids it: {listed}.", example)


CLOSED = schema.problem_example(
    409, "session_closed", "This session is closed: it can be read but not changed."
)
OBJECT_CODES = ("session_closed", "session_cancelled", "idempotency_key_in_use")


def field_errors(description, *errors):
    return schema.bad_input(
        f"{description} Each invalid value is in `errors`, named by its path "
        "(`homework[0].title`); a body that is not JSON or is nested too deep is "
        "`parse_error`, a malformed Idempotency-Key `idempotency_key_invalid`.",
        schema.invalid_example(*errors),
    )


def parse_uuid(value):
    """Malformed ids are simply not found (404), never a server error."""
    try:
        return uuid.UUID(str(value))
    except ValueError as error:
        raise NotFound from error


def found(obj):
    """404 when a selector found nothing, alike for the missing and the out-of-scope."""
    if obj is None:
        raise NotFound
    return obj


class RequesterMixin(IdempotentWrites):
    """Answer in the requester's language and clinic clock; here, not in middleware, since DRF
    authenticates inside the view. Every write honours Idempotency-Key (IdempotentWrites)."""

    _language_before = None

    def perform_authentication(self, request):
        super().perform_authentication(request)
        # Before the permissions: a refusal is written in the person's language too.
        if getattr(request.user, "language", ""):
            self._language_before = translation.get_language()
            translation.activate(request.user.language)

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        profile = request.user.provider_profile or request.user.client_profile
        if profile is not None:
            timezone.activate(profile.clinic.tzinfo)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        rate_limit_headers(request, response)
        if response.status_code == status.HTTP_201_CREATED and "Location" not in response:
            # A replayed answer (Idempotency-Key) has no data: its stored body instead.
            data = getattr(response, "data", None)
            body = orjson.loads(response.content) if data is None else data
            response["Location"] = request.build_absolute_uri(self.location(body))
        if hasattr(response, "render") and not response.is_rendered:
            response.render()  # while the clinic's time zone and the language are active
        timezone.deactivate()
        if self._language_before is not None:
            response.headers["Content-Language"] = translation.get_language()
            translation.activate(self._language_before)
        return response

    def location(self, body):
        """The path a 201's Location names: its object's API address, or its session's."""
        raise NotImplementedError


def session_path(session_id):
    return reverse("api:session-detail", kwargs={"id": str(session_id)})


PAST_LAST = OpenApiResponse(
    s.ProblemSerializer,
    description="A page past the last one (`not_found`).",
    examples=[schema.problem_example(404, "not_found", "Invalid page.")],
)
BOTH_ROLES = schema.forbidden(
    "Two-factor authentication is required for care providers and staff: activate an "
    "authenticator app at /accounts/2fa/totp/activate/ first."
)
PROVIDERS_ONLY = schema.forbidden("Only care providers can do this.")
CLIENTS_ONLY = schema.forbidden("Only clients can do this.")


class MeView(RequesterMixin, APIView):
    @extend_schema(
        summary="Who am I",
        description="Your provider or client id (the one the other endpoints use), your role "
        "and your clinic with its time zone. 404 for an account with neither role.",
        responses={
            200: OpenApiResponse(
                s.MeSerializer,
                description="You.",
                examples=[
                    ex.answer(
                        "Ava",
                        {
                            **ex.AVA,
                            "email": "ava@northside.example",
                            "role": "provider",
                            "clinic": ex.CLINIC,
                        },
                    )
                ],
            ),
            **problems(*EVERYONE, 404, e403=BOTH_ROLES),
        },
    )
    def get(self, request):
        profile = request.user.provider_profile or request.user.client_profile
        if profile is None:
            raise NotFound(gettext("This account has no provider or client role."))
        return Response(s.MeSerializer(profile).data)


class CalendarView(RequesterMixin, APIView):
    @extend_schema(
        summary="My meetings in a range of days",
        description="The meetings of the sessions you hold (providers) or your own sessions "
        "(clients) that start from `start` to `end` (both days included, on your clinic's "
        f"clock, at most {s.CALENDAR_DAYS_MAX} days), by start time. A cancelled session's "
        "meeting is listed with the status `cancelled`. A missing, malformed or reversed "
        "range, or a longer one, is 400.",
        parameters=[s.CalendarQuerySerializer],
        responses={
            200: OpenApiResponse(
                s.CalendarMeetingSerializer(many=True),
                description="The meetings, by start.",
                examples=[
                    ex.answer(
                        "A week",
                        {
                            **ex.MEETING,
                            "session": ex.SESSION_ID,
                            "number": 4,
                            "status": "open",
                            "client": ex.CHLOE,
                            "provider": ex.AVA,
                            "ends_at": "2027-03-01T09:50:00-05:00",
                        },
                    )
                ],
            ),
            **problems(
                *EVERYONE,
                e400=field_errors(
                    "A missing, malformed or reversed range, or one of more than "
                    f"{s.CALENDAR_DAYS_MAX} days.",
                    ("end", "too_long", "Ask for 92 days at most; this asks for 120."),
                ),
                e403=BOTH_ROLES,
            ),
        },
    )
    def get(self, request):
        query = s.CalendarQuerySerializer(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        tz = timezone.get_current_timezone()
        start = dt.datetime.combine(query.validated_data["start"], dt.time(), tzinfo=tz)
        end = dt.datetime.combine(
            query.validated_data["end"] + dt.timedelta(days=1), dt.time(), tzinfo=tz
        )
        meetings = selectors.api_calendar(viewer=request.user, start=start, end=end)
        return Response(s.CalendarMeetingSerializer(meetings, many=True).data)


class ClientListView(RequesterMixin, generics.ListAPIView):
    serializer_class = s.ClientSerializer

    def get_queryset(self):
        require_provider(self.request.user)
        return selectors.api_clients(viewer=self.request.user)

    @extend_schema(
        summary="My care-team clients (providers)",
        description="The clients on whose care team you are, with their care team. "
        "Clients get 403.",
        responses={
            200: OpenApiResponse(
                s.ClientSerializer(many=True),
                description="A page of clients.",
                examples=[
                    ex.answer(
                        "Ava's clients",
                        {
                            **ex.CHLOE,
                            "email": "chloe@northside.example",
                            "care_team": [ex.AVA, ex.BEN],
                        },
                    )
                ],
            ),
            **problems(*EVERYONE, e400=PAGE_INVALID, e403=PROVIDERS_ONLY, e404=PAST_LAST),
        },
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


# SessionFilterSerializer's fields: with none given, it has nothing to check nor give.
FILTERS = tuple(s.SessionFilterSerializer._declared_fields)


class SessionListView(RequesterMixin, generics.ListAPIView):
    serializer_class = s.SessionSerializer

    def filters(self):
        """The filters given (SessionFilterSerializer's validated data), 400 for bad ones."""
        params = self.request.query_params
        if not any(name in params for name in FILTERS):
            return {}
        # A plain dict: from a QueryDict DRF would skip an empty "status=" instead of a 400.
        filters = s.SessionFilterSerializer(data=params.dict())
        filters.is_valid(raise_exception=True)
        return dict(filters.validated_data)

    def list(self, request, *args, **kwargs):
        # The ids come from the scoped read, so reading their rows needs no scope again.
        filters = self.filters()
        ordering = filters.pop("ordering", "starts_at")
        size, number = self.paginator.requested(request)
        ids, count = selectors.api_session_page(
            viewer=request.user,
            filters=filters,
            ordering=ordering,
            page_size=size,
            offset=(number - 1) * size,
        )
        self.paginator.paginate_read(request, ids, count, size=size, number=number)
        rows = selectors.api_session_rows(session_ids=ids)
        return self.get_paginated_response(output.sessions(rows))

    @extend_schema(
        summary="Sessions I may see",
        description="A provider sees every session of the clients on their care teams; a "
        "client their own. Ordered by start. A filter value that does not parse is 400.",
        parameters=[s.SessionFilterSerializer],
        responses={
            200: OpenApiResponse(
                s.SessionSerializer(many=True),
                description="A page of sessions.",
                examples=[ex.answer("Chloe's session", ex.SESSION)],
            ),
            **problems(
                *EVERYONE,
                e400=field_errors(
                    "A filter, `page` or `page_size` that does not parse.",
                    ("status", "invalid_choice", '"later" is not a valid choice.'),
                ),
                e403=BOTH_ROLES,
                e404=PAST_LAST,
            ),
        },
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_write_schema(
        summary="Schedule a session or a series (providers)",
        description="1 to 52 chained sessions, all created or none: session k+1 starts when "
        "session k ends and lasts as long as the first, on the clinic's wall clock (a Monday "
        "09:00 series stays at 09:00 across daylight-saving changes). Homework goes to every "
        "session (each its own copy) or to the first only; so does the `meeting`, at the same "
        "offset from each session's start. Numbers continue the client's earlier sessions. "
        "400 for an unknown client or provider, one outside the care team or the clinic, an "
        "end not after the start, a meeting outside the period or homework due outside it. "
        "409 `overlap` when a session of the client with the same provider is in the way, "
        "`overlap_other_provider` with another provider unless `allow_overlap`. Clients get "
        "403.",
        request=s.ScheduleInSerializer,
        examples=[
            ex.request(
                "Two weekly sessions with homework",
                {
                    "client": ex.CHLOE["id"],
                    "starts_at": "2027-03-01T09:00",
                    "ends_at": "2027-03-08T09:00",
                    "repeat": 2,
                    "homework": [
                        {
                            "title": "Thought record",
                            "instructions": ex.ASSIGNMENT["instructions"],
                        }
                    ],
                    "meeting": {"starts_at": "2027-03-01T09:00", "minutes": 50, "place": "Room 2"},
                },
            )
        ],
        responses={
            201: OpenApiResponse(
                s.ScheduledSerializer,
                description="The series, in order; Location names its first session.",
                examples=[
                    ex.answer(
                        "The series",
                        {
                            "series_id": ex.SERIES_ID,
                            "sessions": [
                                {**ex.SESSION, "timing": "upcoming", "messages": []},
                                ex.NEXT_SESSION,
                            ],
                        },
                        status=201,
                    )
                ],
            ),
            **problems(
                *EVERYONE,
                e400=field_errors(
                    "An unknown client or provider, one outside the care team, an end not "
                    "after the start, a meeting or homework due outside the period.",
                    ("ends_at", "invalid", "The session must end after it starts."),
                    ("homework[0].title", "invalid", "The homework title cannot be empty."),
                ),
                e403=PROVIDERS_ONLY,
                e409=conflict(
                    "overlap",
                    "overlap_other_provider",
                    "idempotency_key_in_use",
                    example=schema.problem_example(
                        409,
                        "overlap",
                        "This overlaps Session 4 (3/1/2027 to 3/8/2027) with Ava Thompson: a "
                        "client cannot have two sessions with the same provider at once.",
                        sessions=[ex.SESSION_ID],
                    ),
                ),
            ),
        },
    )
    def post(self, request):
        require_provider(request.user)
        data = s.ScheduleInSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        v = data.validated_data
        sessions = services.session_schedule(
            actor=request.user,
            client=v["client"],
            provider=v["provider"],
            starts_at=v["starts_at"],
            ends_at=v["ends_at"],
            repeat=v["repeat"],
            homework=[services.HomeworkSpec(**item) for item in v["homework"]],
            homework_applies_to=v["homework_applies_to"],
            meeting=meeting_spec(v["meeting"]),
            allow_overlap=v["allow_overlap"],
        )
        rows = selectors.api_session_rows(session_ids=[x.pk for x in sessions])
        body = {"series_id": str(sessions[0].series_id), "sessions": output.sessions(rows)}
        return Response(body, status=status.HTTP_201_CREATED)

    def location(self, body):
        return session_path(body["sessions"][0]["id"])


def meeting_spec(data):
    """A validated MeetingInSerializer's data as the services take it (None: no meeting)."""
    return None if data is None else services.MeetingSpec(**data)


class SessionObjectMixin(RequesterMixin):
    def get_session(self, session_id):
        return found(
            selectors.session_to_change(viewer=self.request.user, session_id=parse_uuid(session_id))
        )

    def session_answer(self, pk):
        [answer] = output.sessions(selectors.api_session_rows(session_ids=[pk]))
        return answer

    def sessions_answer(self, sessions):
        ids = [x.pk for x in sessions]
        return {"sessions": output.sessions(selectors.api_session_rows(session_ids=ids))}


ID = OpenApiParameter(
    "id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="The object's id (a UUID)."
)


class SessionDetailView(SessionObjectMixin, APIView):
    @extend_schema(
        summary="One session with its homework, feedback and messages",
        description="404 for a session you may not see (and for a malformed id).",
        parameters=[ID],
        responses={
            200: OpenApiResponse(
                s.SessionSerializer,
                description="The session.",
                examples=[ex.answer("Session 4", ex.SESSION)],
            ),
            **problems(*EVERYONE, 404, e403=BOTH_ROLES),
        },
    )
    def get(self, request, id):
        pk = found(selectors.api_session_id(viewer=request.user, session_id=parse_uuid(id)))
        return Response(self.session_answer(pk))

    @extend_write_schema(
        summary="Change a session, or it and the later ones of its series (providers)",
        description="A provider on the care team changes an open session's meeting (`null` "
        "removes it), holding provider and, before the session starts, its `starts_at` and "
        "`ends_at` (400 after). Only the fields given change. With `apply_to: following`, the "
        "later open sessions of the series change too and shift by the same amount on the "
        "clinic's wall clock. Every change is kept with who, when and what. Answers the "
        "sessions changed, in series order; when the request changes nothing, the session "
        "itself, unchanged. 409 `session_closed` or `session_cancelled` for a session that is "
        "not open, `overlap` / `overlap_other_provider` (without `allow_overlap`) when the "
        "new period meets another session of the client. Clients get 403.",
        parameters=[ID],
        request=s.SessionChangeInSerializer,
        examples=[
            ex.request(
                "Move the meeting, this session only",
                {"meeting": {"starts_at": "2027-03-02T15:00", "minutes": 50, "place": "Room 4"}},
            )
        ],
        responses={
            200: OpenApiResponse(
                s.SessionsSerializer,
                description="The sessions changed (or the session itself when nothing changed).",
                examples=[
                    ex.answer(
                        "Moved",
                        {
                            "sessions": [
                                {
                                    **ex.SESSION,
                                    "meeting": {
                                        **ex.MEETING,
                                        "starts_at": "2027-03-02T15:00:00-05:00",
                                        "place": "Room 4",
                                    },
                                }
                            ]
                        },
                    )
                ],
            ),
            **problems(
                *EVERYONE,
                404,
                e400=field_errors(
                    "A meeting outside the period, a new period after the session started.",
                    ("meeting.starts_at", "invalid", "The meeting must start inside the session."),
                ),
                e403=PROVIDERS_ONLY,
                e409=conflict(*OBJECT_CODES, "overlap", "overlap_other_provider", example=CLOSED),
            ),
        },
    )
    def patch(self, request, id):
        session = self.get_session(id)
        require_provider(request.user)
        data = s.SessionChangeInSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)
        # Only the fields sent: the others stay services.UNCHANGED.
        if "meeting" in v:
            v["meeting"] = meeting_spec(v["meeting"])
        changed = services.session_change(actor=request.user, session=session, **v)
        return Response(self.sessions_answer(changed or [session]))


class SessionCancelView(SessionObjectMixin, APIView):
    @extend_write_schema(
        summary="Cancel a session, or it and the later ones of its series (providers)",
        description="An open session is cancelled with a `reason` (400 without); with "
        "`apply_to: following`, the later open sessions of its series too. A cancelled "
        "session is read-only and left out of counts, to-do lists and overlap checks. 409 "
        "`session_cancelled` or `session_closed` for a session that is not open. Clients get "
        "403.",
        parameters=[ID],
        request=s.CancelInSerializer,
        examples=[
            ex.request(
                "Cancel the rest of the series",
                {"reason": "Chloe is moving away.", "apply_to": "following"},
            )
        ],
        responses={
            200: OpenApiResponse(
                s.SessionsSerializer,
                description="The sessions cancelled, in series order.",
                examples=[
                    ex.answer(
                        "Cancelled",
                        {
                            "sessions": [
                                {
                                    **ex.NEXT_SESSION,
                                    "status": "cancelled",
                                    "timing": "cancelled",
                                    "cancelled_at": "2027-03-03T11:00:00-05:00",
                                    "cancelled_by": ex.AVA,
                                    "cancel_reason": "Chloe is moving away.",
                                }
                            ]
                        },
                    )
                ],
            ),
            **problems(
                *EVERYONE,
                404,
                e400=field_errors(
                    "No `reason`.", ("reason", "required", "This field is required.")
                ),
                e403=PROVIDERS_ONLY,
                e409=conflict(*OBJECT_CODES, example=CLOSED),
            ),
        },
    )
    def post(self, request, id):
        session = self.get_session(id)
        require_provider(request.user)
        data = s.CancelInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        cancelled = services.session_cancel(
            actor=request.user, session=session, **data.validated_data
        )
        return Response(self.sessions_answer(cancelled))


class SessionCloseView(SessionObjectMixin, APIView):
    @extend_write_schema(
        summary="Close a session (providers)",
        description="A session is ready to close when every assignment is completed and has "
        "feedback. Closing one that is not ready is 409 `not_ready` (with the `unfinished` "
        "assignment ids) unless `force` is true, and forcing needs a `note` (400 without). "
        "Closing a closed session is 409 `already_closed`. Clients get 403.",
        parameters=[ID],
        request=s.CloseInSerializer,
        examples=[
            ex.request("Close a ready session", {}),
            ex.request(
                "Close anyway",
                {"force": True, "note": "Chloe asked to stop the homework for now."},
            ),
        ],
        responses={
            200: OpenApiResponse(
                s.SessionSerializer,
                description="The closed session.",
                examples=[ex.answer("Closed", ex.CLOSED_SESSION)],
            ),
            **problems(
                *EVERYONE,
                404,
                e400=field_errors(
                    "`force` without a `note`.",
                    (
                        "note",
                        "invalid",
                        "Closing with unfinished homework needs a note saying why.",
                    ),
                ),
                e403=PROVIDERS_ONLY,
                e409=conflict(
                    "already_closed",
                    "not_ready",
                    "session_cancelled",
                    "idempotency_key_in_use",
                    example=schema.problem_example(
                        409,
                        "not_ready",
                        "Some homework is not completed or has no feedback yet. To close the "
                        "session anyway, confirm and give a note saying why.",
                        unfinished=[ex.ASSIGNMENT_ID],
                    ),
                ),
            ),
        },
    )
    def post(self, request, id):
        session = self.get_session(id)
        require_provider(request.user)
        data = s.CloseInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.session_close(actor=request.user, session=session, **data.validated_data)
        return Response(self.session_answer(session.pk))


class AssignmentCreateView(SessionObjectMixin, APIView):
    @extend_write_schema(
        summary="Give homework in an open session (providers)",
        description="Due at the session's end unless `due_at` says otherwise. 409 "
        "`session_closed` for a closed session. Clients get 403.",
        parameters=[ID],
        request=s.AssignmentInSerializer,
        examples=[
            ex.request(
                "Free text",
                {"title": "Thought record", "instructions": ex.ASSIGNMENT["instructions"]},
            ),
            ex.request("A questionnaire", {"kind": "phq9"}),
        ],
        responses={
            201: OpenApiResponse(
                s.AssignmentSerializer,
                description="The new homework; Location names its session.",
                examples=[ex.answer("Given", ex.ASSIGNMENT, status=201)],
            ),
            **problems(
                *EVERYONE,
                404,
                e400=field_errors(
                    "No title for free text, a due time outside the session.",
                    ("title", "invalid", "The homework title cannot be empty."),
                ),
                e403=PROVIDERS_ONLY,
                e409=conflict(*OBJECT_CODES, example=CLOSED),
            ),
        },
    )
    def post(self, request, id):
        session = self.get_session(id)
        require_provider(request.user)
        data = s.AssignmentInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        assignment = services.assignment_add(
            actor=request.user, session=session, **data.validated_data
        )
        answer = output.assignment(selectors.api_assignment_rows(assignment_id=assignment.pk))
        return Response(answer, status=status.HTTP_201_CREATED)

    def location(self, body):
        # Homework has no API address of its own: it is read in its session.
        return session_path(parse_uuid(self.kwargs["id"]))


class AssignmentObjectMixin(RequesterMixin):
    def get_assignment(self, assignment_id):
        return found(
            selectors.assignment_to_change(
                viewer=self.request.user, assignment_id=parse_uuid(assignment_id)
            )
        )


class AssignmentSubmitView(AssignmentObjectMixin, APIView):
    @extend_write_schema(
        summary="Answer homework (the client; editable until feedback exists)",
        description="Free-text homework takes `response`; a questionnaire takes `answers`, "
        "one per item in order, each 0 to 3 (400 naming each item missing or out of range). "
        "409 `feedback_given` once the answer has feedback, `session_closed` for "
        "a closed session, `not_started` before its session starts. Providers get 403.",
        parameters=[ID],
        request=s.SubmitInSerializer,
        examples=[
            ex.request("Free text", {"response": ex.ANSWERED["response"]}),
            ex.request("A questionnaire", {"answers": [1, 0, 2, 1, 1, 0, 1, 0, 0]}),
        ],
        responses={
            200: OpenApiResponse(
                s.AssignmentSerializer,
                description="The answered homework.",
                examples=[ex.answer("Answered", ex.ANSWERED)],
            ),
            **problems(
                *EVERYONE,
                404,
                e400=field_errors(
                    "An empty answer, a questionnaire's item missing or out of range.",
                    ("response", "invalid", "Your answer cannot be empty."),
                ),
                e403=CLIENTS_ONLY,
                e409=conflict(
                    "feedback_given",
                    "not_started",
                    *OBJECT_CODES,
                    example=schema.problem_example(
                        409,
                        "feedback_given",
                        "Feedback has been given on this homework, so it can no longer be edited.",
                    ),
                ),
            ),
        },
    )
    def post(self, request, id):
        assignment = self.get_assignment(id)
        # The role first: a provider is refused (403) whatever the body says.
        require_client(request.user)
        data = s.SubmitInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if assignment.is_questionnaire:
            services.questionnaire_submit(
                actor=request.user,
                assignment=assignment,
                answers=data.validated_data.get("answers"),
            )
        else:
            services.assignment_submit(
                actor=request.user,
                assignment=assignment,
                response=data.validated_data.get("response", ""),
            )
        return Response(
            output.assignment(selectors.api_assignment_rows(assignment_id=assignment.pk))
        )


class FeedbackCreateView(AssignmentObjectMixin, APIView):
    @extend_write_schema(
        summary="Give feedback on submitted homework (providers)",
        description="Several feedback items per assignment are allowed. 400 while the client "
        "has not submitted the homework; 409 `session_closed` for a closed session. Clients "
        "get 403.",
        parameters=[ID],
        request=s.FeedbackInSerializer,
        examples=[ex.request("Feedback", {"body": ex.FEEDBACK["body"]})],
        responses={
            201: OpenApiResponse(
                s.FeedbackSerializer,
                description="The new feedback; Location names the homework's session.",
                examples=[ex.answer("Given", ex.FEEDBACK, status=201)],
            ),
            **problems(
                *EVERYONE,
                404,
                e400=field_errors(
                    "Homework not submitted yet, an empty body.",
                    (
                        "body",
                        "invalid",
                        "Cannot be empty or only spaces, nor contain a NUL character.",
                    ),
                ),
                e403=PROVIDERS_ONLY,
                e409=conflict(*OBJECT_CODES, example=CLOSED),
            ),
        },
    )
    def post(self, request, id):
        assignment = self.assignment = self.get_assignment(id)
        require_provider(request.user)
        data = s.FeedbackInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        feedback = services.feedback_give(
            actor=request.user, assignment=assignment, **data.validated_data
        )
        return Response(s.FeedbackSerializer(feedback).data, status=status.HTTP_201_CREATED)

    def location(self, body):
        # Feedback has no API address of its own: it is read in its homework's session.
        assignment = getattr(self, "assignment", None) or self.get_assignment(self.kwargs["id"])
        return session_path(assignment.session.uuid)


class MessageListView(SessionObjectMixin, generics.ListAPIView):
    serializer_class = s.MessageSerializer

    def get_queryset(self):
        self.session = found(
            selectors.visible_session(
                viewer=self.request.user, session_id=parse_uuid(self.kwargs["id"])
            )
        )
        return selectors.api_messages(session=self.session)

    @extend_schema(
        summary="A session's messages",
        description="Oldest first. Reading them marks them read for you.",
        parameters=[ID],
        responses={
            200: OpenApiResponse(
                s.MessageSerializer(many=True),
                description="A page of messages.",
                examples=[ex.answer("The thread", ex.MESSAGE)],
            ),
            **problems(*EVERYONE, 404, e400=PAGE_INVALID, e403=BOTH_ROLES),
        },
    )
    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        services.session_mark_read(user=request.user, session=self.session)
        return response

    @extend_write_schema(
        summary="Write a message in a session",
        description="The client or a provider on the care team. 409 `session_closed` for a "
        "closed session.",
        parameters=[ID],
        request=s.MessageInSerializer,
        examples=[ex.request("A message", {"body": ex.MESSAGE["body"]})],
        responses={
            201: OpenApiResponse(
                s.MessageSerializer,
                description="The new message; Location names its session.",
                examples=[ex.answer("Written", ex.MESSAGE, status=201)],
            ),
            **problems(
                *EVERYONE,
                404,
                e400=field_errors(
                    "An empty body.",
                    ("body", "required", "This field is required."),
                ),
                e403=BOTH_ROLES,
                e409=conflict(*OBJECT_CODES, example=CLOSED),
            ),
        },
    )
    def post(self, request, id):
        session = self.get_session(id)
        data = s.MessageInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        message = services.message_post(actor=request.user, session=session, **data.validated_data)
        return Response(s.MessageSerializer(message).data, status=status.HTTP_201_CREATED)

    def location(self, body):
        # A message has no API address of its own: it is read in its session.
        return session_path(parse_uuid(self.kwargs["id"]))


class ClientMeasuresView(RequesterMixin, APIView):
    @extend_schema(
        summary="A client's questionnaire scores over time",
        description="Each questionnaire's scores oldest first, as stored when submitted, with "
        "the change since the first score and its labels. Providers of the care team; a "
        "client may ask for their own.",
        parameters=[ID],
        responses={
            200: OpenApiResponse(
                s.ClientMeasuresSerializer,
                description="The client's scores, per questionnaire.",
                examples=[
                    ex.answer(
                        "Chloe's PHQ-9",
                        {
                            "client": ex.CHLOE,
                            "measures": [
                                {
                                    "instrument": "phq9",
                                    "name": "PHQ-9",
                                    "scores": [
                                        {
                                            "total": 14,
                                            "band": "moderate",
                                            "band_label": "Moderate",
                                            "submitted_at": "2027-02-22T08:30:00-05:00",
                                            "session": {"id": ex.SESSION_ID, "number": 3},
                                        },
                                        {
                                            "total": 8,
                                            "band": "mild",
                                            "band_label": "Mild",
                                            "submitted_at": "2027-03-02T08:40:00-05:00",
                                            "session": {"id": ex.NEXT_SESSION_ID, "number": 4},
                                        },
                                    ],
                                    "change": -6,
                                    "reliable_improvement": True,
                                    "reliable_deterioration": False,
                                    "response": False,
                                    "remission": False,
                                }
                            ],
                        },
                    )
                ],
            ),
            **problems(*EVERYONE, 404, e403=BOTH_ROLES),
        },
    )
    def get(self, request, id):
        client, trends = found(
            selectors.client_measures(viewer=request.user, client_id=parse_uuid(id))
        )
        answer = {
            "client": {"uuid": client.uuid, "user": {"full_name": client.user.full_name}},
            "measures": [
                {
                    "instrument": trend.instrument.code,
                    "name": trend.instrument.name,
                    "scores": [
                        {
                            "total": point.total,
                            "band": point.band,
                            "band_label": trend.band_label(point.band),
                            "submitted_at": point.submitted_at,
                            "session": {"id": point.session_uuid, "number": point.session_number},
                        }
                        for point in trend.points
                    ],
                    "change": trend.change,
                    "reliable_improvement": trend.reliable_improvement,
                    "reliable_deterioration": trend.reliable_deterioration,
                    "response": trend.response,
                    "remission": trend.remission,
                }
                for trend in trends
            ],
        }
        return Response(s.ClientMeasuresSerializer(answer).data)
