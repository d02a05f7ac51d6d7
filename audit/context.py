"""Who is asking, from where, in which request: set by the middleware, read by record()."""

import contextvars
import uuid
from dataclasses import dataclass, field

# A list read names each object it returned up to this many; past it, the count (and the
# filter, in the path's query string) says what was read.
LISTED_IDS_MAX = 100


@dataclass(frozen=True)
class RequestInfo:
    # The server's own id; a client's X-Request-ID is kept beside it, never in its place.
    request_id: str
    ip: str | None
    client_request_id: str = ""
    # What a list read returned, noted by its view (note_listed) for the request's event.
    listed: dict = field(default_factory=dict)


_current = contextvars.ContextVar("audit_request", default=None)


def client_ip(request):
    # Not X-Forwarded-For, which anyone can forge; behind a proxy the server sets REMOTE_ADDR.
    return request.META.get("REMOTE_ADDR") or None


def begin(request):
    info = RequestInfo(
        request_id=uuid.uuid4().hex,
        ip=client_ip(request),
        client_request_id=request.META.get("HTTP_X_REQUEST_ID", "")[:64],
    )
    request.audit = info
    return _current.set(info)


def end(token):
    _current.reset(token)


def current():
    return _current.get()


def note_listed(object_type, ids, count=None):
    """A list view's rows, for the audit event of this request: `ids` (UUIDs) of the objects
    shown, `count` those matching in all (all pages); past LISTED_IDS_MAX ids, the count only."""
    info = current()
    if info is None:
        return
    ids = [str(i) for i in ids]
    info.listed.update(
        object_type=object_type,
        ids=ids if len(ids) <= LISTED_IDS_MAX else [],
        count=len(ids) if count is None else count,
    )
