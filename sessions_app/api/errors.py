"""One mapping from the services' refusals to API status codes (DESIGN.md section 6)."""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from sessions_app import services

# The services name a meeting's fields as the model does; the API nests them as it reads them.
_MEETING_PREFIX = "meeting_"


class CodedError(exceptions.APIException):
    """A refusal made in the API layer itself, answered as `{detail, code}`."""

    def __init__(self, detail, *, code, status_code):
        super().__init__(detail, code)
        self.status_code = status_code
        self.code = code


def _field_errors(error):
    if not hasattr(error, "error_dict"):
        return {"non_field_errors": list(error.messages)}
    errors = {}
    for field, messages in error.message_dict.items():
        messages = [str(m) for m in messages]
        if field.startswith(_MEETING_PREFIX):
            errors.setdefault("meeting", {})[field.removeprefix(_MEETING_PREFIX)] = messages
        else:
            errors[field if field != "__all__" else "non_field_errors"] = messages
    return errors


def exception_handler(exc, context):
    if isinstance(exc, services.Conflict):
        body = {"detail": exc.detail, "code": exc.code}
        body.update({key: _jsonable(value) for key, value in exc.extra.items()})
        return Response(body, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, CodedError):
        return Response({"detail": exc.detail, "code": exc.code}, status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(_field_errors(exc))
    if isinstance(exc, PermissionDenied) and exc.args:
        exc = exceptions.PermissionDenied(str(exc.args[0]))
    return drf_exception_handler(exc, context)


def _jsonable(value):
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    return value
