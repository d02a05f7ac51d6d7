"""`Idempotency-Key` on API writes: the same person, key and request within a day get the first
answer again. An answer below 500 is kept in the key's row; a failure frees the key to retry."""

import datetime as dt
import hashlib
import re

from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.http.request import RawPostDataException
from django.utils import timezone
from django.utils.translation import gettext
from drf_spectacular.utils import OpenApiParameter, extend_schema

from sessions_app.models import IdempotencyRecord

from .errors import CodedError
from .schema import problems

HEADER = "Idempotency-Key"
KEY_MAX = 255
LIFETIME = dt.timedelta(hours=24)
WRITES = frozenset({"POST", "PATCH"})
REPLAYED = "Idempotent-Replayed"
# Printable ASCII: what every HTTP stack carries unchanged.
_KEY = re.compile(r"^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$")


class _Replay(Exception):
    """Carries the stored answer out of DRF's `initial()` (see IdempotentWrites)."""

    def __init__(self, response):
        super().__init__()
        self.response = response


def _body(request):
    try:
        return request.body
    except RawPostDataException:
        # A form body already read (the CSRF check of a browser session): its fields instead.
        return request._request.POST.urlencode().encode()


def _fingerprint(request):
    digest = hashlib.sha256()
    content_type = request.content_type or ""
    for part in (request.method, request.get_full_path(), content_type, _body(request)):
        part = part if isinstance(part, bytes) else part.encode()
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


def _key(request):
    key = request.headers.get(HEADER)
    if key is None:
        return None
    if len(key) > KEY_MAX or not _KEY.match(key):
        raise CodedError(
            gettext("The Idempotency-Key header must be 1 to %(max)s printable ASCII characters.")
            % {"max": KEY_MAX},
            code="idempotency_key_invalid",
            status_code=400,
        )
    return key


def _replay(record):
    response = HttpResponse(
        bytes(record.body), status=record.status_code, content_type=record.content_type or None
    )
    response.headers[REPLAYED] = "true"
    return response


def _reserve(user, key, fingerprint):
    """The new record reserving `key`, or raise: the stored answer, 422, or 409."""
    for _ in range(2):
        record = IdempotencyRecord.objects.filter(user=user, key=key).first()
        if record is not None and record.created_at <= timezone.now() - LIFETIME:
            # Expired: forgotten, as if never sent.
            IdempotencyRecord.objects.filter(pk=record.pk, created_at=record.created_at).delete()
            record = None
        if record is None:
            try:
                with transaction.atomic():
                    return IdempotencyRecord.objects.create(
                        user=user, key=key, fingerprint=fingerprint
                    )
            except IntegrityError:
                continue  # another request with this key got there first: look again
        if record.fingerprint != fingerprint:
            raise CodedError(
                gettext(
                    "This Idempotency-Key was already used for another request. "
                    "Use a new key for each new request."
                ),
                code="idempotency_key_reused",
                status_code=422,
            )
        if record.status_code is None:
            raise CodedError(
                gettext(
                    "A request with this Idempotency-Key is still being answered. "
                    "Try again in a moment."
                ),
                code="idempotency_key_in_use",
                status_code=409,
            )
        raise _Replay(_replay(record))
    raise CodedError(
        gettext("A request with this Idempotency-Key is still being answered."),
        code="idempotency_key_in_use",
        status_code=409,
    )


class IdempotentWrites:
    """For API views: POST and PATCH honour `Idempotency-Key`. The key is looked at after
    authentication, permissions and throttling, so only a person's accepted requests use it."""

    _reservation = None

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if request.method not in WRITES or not request.user.is_authenticated:
            return
        if not hasattr(self, request.method.lower()):
            return  # 405 whatever the key
        key = _key(request)
        if key is not None:
            self._reservation = _reserve(request.user, key, _fingerprint(request))

    def handle_exception(self, exc):
        if isinstance(exc, _Replay):
            return exc.response
        return super().handle_exception(exc)

    def dispatch(self, request, *args, **kwargs):
        try:
            response = super().dispatch(request, *args, **kwargs)
        except BaseException:
            self._release()
            raise
        if self._reservation is not None:
            if response.status_code >= 500:
                self._release()
            else:
                self._keep(response)
        return response

    def _keep(self, response):
        if hasattr(response, "render") and not response.is_rendered:
            response.render()
        IdempotencyRecord.objects.filter(pk=self._reservation.pk).update(
            status_code=response.status_code,
            body=response.content,
            content_type=response.get("Content-Type", ""),
        )

    def _release(self):
        if self._reservation is not None:
            IdempotencyRecord.objects.filter(pk=self._reservation.pk).delete()
            self._reservation = None


KEY_PARAMETER = OpenApiParameter(
    HEADER,
    {"type": "string", "minLength": 1, "maxLength": KEY_MAX, "pattern": _KEY.pattern},
    OpenApiParameter.HEADER,
    description="Optional; a new unique value (a UUID) per request. Sent again with the same "
    "request (method, path and body) within 24 hours, it answers the first answer again "
    f"(status and body, with `{REPLAYED}: true`) without doing it again. With another "
    "request it is 422 `idempotency_key_reused`; while the first is still being answered, 409 "
    "`idempotency_key_in_use`. A key longer than 255 characters, or not printable ASCII, is "
    "400.",
)


def extend_write_schema(*, parameters=(), responses, **kwargs):
    """extend_schema for a POST or PATCH: the Idempotency-Key header and its 422, and 415 for
    a body that is not JSON."""
    return extend_schema(
        parameters=[*parameters, KEY_PARAMETER],
        responses={**responses, **problems(415, 422)},
        **kwargs,
    )
