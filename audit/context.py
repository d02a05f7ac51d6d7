"""Who is asking, from where, in which request: set by the middleware, read by record()."""

import contextvars
import uuid
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestInfo:
    request_id: str
    ip: str | None


_current = contextvars.ContextVar("audit_request", default=None)


def client_ip(request):
    # Not X-Forwarded-For, which anyone can forge; behind a proxy the server sets REMOTE_ADDR.
    return request.META.get("REMOTE_ADDR") or None


def begin(request):
    request_id = request.META.get("HTTP_X_REQUEST_ID", "")[:64] or uuid.uuid4().hex
    info = RequestInfo(request_id=request_id, ip=client_ip(request))
    request.audit = info
    return _current.set(info)


def end(token):
    _current.reset(token)


def current():
    return _current.get()
