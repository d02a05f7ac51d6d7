"""The JSON API v1: the same services and selectors as the pages."""

import datetime as dt
import uuid

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from clinic.permissions import require_client, require_provider
from sessions_app import selectors, services

from . import output
from . import serializers as s
from .idempotency import IdempotentWrites, extend_write_schema

NOT_LOGGED_IN = OpenApiResponse(s.ErrorSerializer, description="Not logged in.")
FORBIDDEN = OpenApiResponse(s.ErrorSerializer, description="Your role may not do this.")
NOT_FOUND = OpenApiResponse(s.ErrorSerializer, description="Not found, or not visible to you.")
PAGE_NOT_FOUND = OpenApiResponse(s.ErrorSerializer, description="A page past the last one.")
BAD_INPUT = OpenApiResponse(
    {
        "description": "Field errors by field name (`non_field_errors` for the request as a "
        "whole; nested lists and objects for homework items), or a `detail` when the body is "
        "not JSON.",
        "anyOf": [
            {"$ref": "#/components/schemas/Error"},
            {
                "type": "object",
                "additionalProperties": {"anyOf": [{"type": "array"}, {"type": "object"}]},
            },
        ],
    },
    description="Bad input.",
    examples=[
        OpenApiExample("Field errors", {"ends_at": ["The session must end after it starts."]})
    ],
)
CONFLICT = OpenApiResponse(
    s.ConflictSerializer,
    description="The session's state forbids it: `session_closed` (a closed session is "
    "read-only), `session_cancelled` (so is a cancelled one), `already_closed`, `not_ready` "
    "(with the `unfinished` assignment ids), `feedback_given` (an answer with feedback can no "
    "longer be edited), `not_started` (homework opens when its session starts), `overlap` and "
    "`overlap_other_provider` (with the ids of the `sessions` in the way), or "
    "`idempotency_key_in_use` (a request with this Idempotency-Key is still being answered).",
)
THROTTLED = OpenApiResponse(
    s.ErrorSerializer,
    description=f"Too many requests (at most {settings.API_THROTTLE_USER} per user): "
    "see Retry-After.",
)
COMMON = {401: NOT_LOGGED_IN, 403: FORBIDDEN, 429: THROTTLED}
# What a write to one session or homework item may answer besides success.
OBJECT_WRITE_ERRORS = {400: BAD_INPUT, 404: NOT_FOUND, 409: CONFLICT, **COMMON}


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
        if hasattr(response, "render") and not response.is_rendered:
            response.render()  # while the clinic's time zone and the language are active
        timezone.deactivate()
        if self._language_before is not None:
            response.headers["Content-Language"] = translation.get_language()
            translation.activate(self._language_before)
        return response


class MeView(RequesterMixin, APIView):
    @extend_schema(
        summary="Who am I",
        description="Your provider or client id (the one the other endpoints use), your role "
        "and your clinic with its time zone. 404 for an account with neither role.",
        responses={
            200: OpenApiResponse(s.MeSerializer, description="You."),
            404: NOT_FOUND,
            **COMMON,
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
                s.CalendarMeetingSerializer(many=True), description="The meetings, by start."
            ),
            400: BAD_INPUT,
            **COMMON,
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
            200: OpenApiResponse(s.ClientSerializer(many=True), description="A page of clients."),
            400: BAD_INPUT,
            404: PAGE_NOT_FOUND,
            **COMMON,
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
            200: OpenApiResponse(s.SessionSerializer(many=True), description="A page of sessions."),
            400: BAD_INPUT,
            404: PAGE_NOT_FOUND,
            **COMMON,
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
        responses={
            201: OpenApiResponse(s.ScheduledSerializer, description="The series, in order."),
            400: BAD_INPUT,
            409: CONFLICT,
            **COMMON,
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
            200: OpenApiResponse(s.SessionSerializer, description="The session."),
            404: NOT_FOUND,
            **COMMON,
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
        responses={
            200: OpenApiResponse(
                s.SessionsSerializer,
                description="The sessions changed (or the session itself when nothing changed).",
            ),
            **OBJECT_WRITE_ERRORS,
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
        responses={
            200: OpenApiResponse(
                s.SessionsSerializer, description="The sessions cancelled, in series order."
            ),
            **OBJECT_WRITE_ERRORS,
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
        responses={
            200: OpenApiResponse(s.SessionSerializer, description="The closed session."),
            **OBJECT_WRITE_ERRORS,
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
        responses={
            201: OpenApiResponse(s.AssignmentSerializer, description="The new homework."),
            **OBJECT_WRITE_ERRORS,
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
        responses={
            200: OpenApiResponse(s.AssignmentSerializer, description="The answered homework."),
            **OBJECT_WRITE_ERRORS,
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
        responses={
            201: OpenApiResponse(s.FeedbackSerializer, description="The new feedback."),
            **OBJECT_WRITE_ERRORS,
        },
    )
    def post(self, request, id):
        assignment = self.get_assignment(id)
        require_provider(request.user)
        data = s.FeedbackInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        feedback = services.feedback_give(
            actor=request.user, assignment=assignment, **data.validated_data
        )
        return Response(s.FeedbackSerializer(feedback).data, status=status.HTTP_201_CREATED)


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
            200: OpenApiResponse(s.MessageSerializer(many=True), description="A page of messages."),
            400: BAD_INPUT,
            404: NOT_FOUND,
            **COMMON,
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
        responses={
            201: OpenApiResponse(s.MessageSerializer, description="The new message."),
            **OBJECT_WRITE_ERRORS,
        },
    )
    def post(self, request, id):
        session = self.get_session(id)
        data = s.MessageInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        message = services.message_post(actor=request.user, session=session, **data.validated_data)
        return Response(s.MessageSerializer(message).data, status=status.HTTP_201_CREATED)


class ClientMeasuresView(RequesterMixin, APIView):
    @extend_schema(
        summary="A client's questionnaire scores over time",
        description="Each questionnaire's scores oldest first, as stored when submitted, with "
        "the change since the first score and its labels. Providers of the care team; a "
        "client may ask for their own.",
        parameters=[ID],
        responses={
            200: OpenApiResponse(
                s.ClientMeasuresSerializer, description="The client's scores, per questionnaire."
            ),
            404: NOT_FOUND,
            **COMMON,
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
