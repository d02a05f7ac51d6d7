"""Every refusal of the API as RFC 9457 problem details (clinic/problems.py), from one place:
the services' conflicts, DRF's exceptions and the API layer's own (DESIGN.md section 6)."""

from django.conf import settings
from django.core import signals
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DatabaseError
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from clinic import failures
from clinic.problems import CONTENT_TYPE, problem
from sessions_app import services

# The services name a meeting's fields as the model does; the API nests them as it reads them.
_MEETING_PREFIX = "meeting_"
INVALID = "invalid"

# A problem type's title, by its code: the same for every occurrence (RFC 9457, 3.1.3).
TITLES = {
    INVALID: _("Invalid input"),
    "parse_error": _("Malformed request"),
    "not_authenticated": _("Not logged in"),
    "authentication_failed": _("Authentication failed"),
    "permission_denied": _("Not allowed"),
    "not_found": _("Not found"),
    "method_not_allowed": _("Method not allowed"),
    "not_acceptable": _("Not acceptable"),
    "unsupported_media_type": _("Unsupported media type"),
    "throttled": _("Too many requests"),
    "idempotency_key_invalid": _("Invalid Idempotency-Key"),
    "idempotency_key_reused": _("Idempotency-Key used for another request"),
    "idempotency_key_in_use": _("Idempotency-Key still in use"),
    "conflict": _("Conflict"),
    "session_closed": _("Session closed"),
    "session_cancelled": _("Session cancelled"),
    "already_closed": _("Session already closed"),
    "not_ready": _("Session not ready to close"),
    "overlap": _("Sessions overlap"),
    "overlap_other_provider": _("Overlaps another provider's session"),
    "not_started": _("Session not started"),
    "feedback_given": _("Feedback already given"),
    "already_acknowledged": _("Already acknowledged"),
    "server_error": _("Server error"),
}


class CodedError(exceptions.APIException):
    """A refusal made in the API layer itself, with its own status and code."""

    def __init__(self, detail, *, code, status_code):
        super().__init__(detail, code)
        self.status_code = status_code
        self.code = code


def problem_answer(status, code, detail, *, headers=None, **extra):
    """A DRF Response holding a problem, served as application/problem+json."""
    title = TITLES.get(code, code)
    return Response(
        problem(status, code, title, detail, **extra),
        status=status,
        headers=headers,
        content_type=CONTENT_TYPE,
    )


def field_errors(detail, path=""):
    """DRF's nested errors as a flat list: `{"homework": {0: {"title": [..]}}}` gives the
    field `homework[0].title`; errors of the request as a whole have the field None."""
    if isinstance(detail, dict):
        found = []
        for key, value in detail.items():
            if isinstance(key, int) or (isinstance(key, str) and key.isdigit() and path):
                where = f"{path}[{key}]"
            elif key in (api_settings.NON_FIELD_ERRORS_KEY, "__all__"):
                where = path
            else:
                where = f"{path}.{key}" if path else str(key)
            found.extend(field_errors(value, where))
        return found
    if isinstance(detail, list):
        if any(isinstance(item, dict | list) for item in detail):
            # A list serializer's errors: one entry per item, empty for a valid one.
            found = []
            for index, item in enumerate(detail):
                found.extend(field_errors(item, f"{path}[{index}]"))
            return found
        return [_error(item, path) for item in detail]
    return [_error(detail, path)]


def _error(item, path):
    return {
        "field": path or None,
        "code": getattr(item, "code", None) or INVALID,
        "message": str(item),
    }


def _from_django(error):
    """A model or service ValidationError as DRF's nested detail, codes kept."""
    detail = as_serializer_error(error)
    meeting = {
        key.removeprefix(_MEETING_PREFIX): detail.pop(key)
        for key in list(detail)
        if key.startswith(_MEETING_PREFIX)
    }
    if meeting:
        detail["meeting"] = meeting
    return detail


def validation_problem(errors, *, code=INVALID):
    """400 with its `errors`; the detail is the one message, or says there are several."""
    if len(errors) == 1:
        detail = errors[0]["message"]
    else:
        detail = ngettext(
            "%(count)d value of the request is not valid; see errors.",
            "%(count)d values of the request are not valid; see errors.",
            len(errors),
        ) % {"count": len(errors)}
    return problem_answer(400, code, detail, errors=errors)


def _code_of(exc):
    detail = exc.detail
    return getattr(detail, "code", None) or exc.default_code


def exception_handler(exc, context):
    if isinstance(exc, services.Conflict):
        extra = {key: _jsonable(value) for key, value in exc.extra.items()}
        return problem_answer(409, exc.code, exc.detail, **extra)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(_from_django(exc))
    if isinstance(exc, PermissionDenied) and exc.args:
        exc = exceptions.PermissionDenied(str(exc.args[0]))
    if isinstance(exc, exceptions.ValidationError):
        return validation_problem(field_errors(exc.detail))
    response = drf_exception_handler(exc, context)
    if response is None:
        return _server_error(exc, context)
    code = exc.code if isinstance(exc, CodedError) else _code_of(exc)
    if response.status_code == 400:
        # A body that is not JSON, a malformed header: the request as a whole.
        error = {"field": None, "code": code, "message": str(exc.detail)}
        answer = problem_answer(400, code, str(exc.detail), errors=[error])
    else:
        answer = problem_answer(response.status_code, code, str(exc.detail))
    for name in ("WWW-Authenticate", "Retry-After"):
        if name in response:
            answer[name] = response[name]
    return answer


def _server_error(exc, context):
    """500 as a problem, logged as Django logs it. Database errors go on to the middleware
    (its 503), and DEBUG keeps Django's technical page."""
    if settings.DEBUG or isinstance(exc, DatabaseError):
        return None
    request = context["request"]._request
    signals.got_request_exception.send(sender=None, request=request)
    # One line with the request id; the traceback once a minute (clinic.failures).
    failures.log_failure(request, exc, 500)
    answer = problem_answer(
        500, "server_error", gettext("Something went wrong on our side; it has been logged.")
    )
    answer._has_been_logged = True  # Django's handler would log it again
    answer["X-Request-ID"] = failures.request_id(request)
    return answer


def _jsonable(value):
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    return value
