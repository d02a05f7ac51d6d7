"""Failed requests: a database outage answered 503 (the product's page, or problem details for
the API), and every failure logged as one line with the request id and the exception's type.

The traceback of a kind of failure is logged once a minute per process, not once per request:
an outage fails every request alike, and a traceback each was megabytes of log a second.
"""

import logging
import threading
import time
import uuid

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader
from django.utils import translation
from django.utils.translation import gettext as _

from . import problems

logger = logging.getLogger("clinic.requests")

# What a lost, refused or broken connection to the database raises (psycopg's and sqlite3's,
# wrapped by Django). Not IntegrityError or DataError: those are bugs, answered 500.
DATABASE_ERRORS = (OperationalError, InterfaceError)
# Seconds a client is asked to wait: PostgreSQL restarts or fails over in about that.
RETRY_AFTER = 10
TRACEBACK_EVERY = 60

_last_traceback = {}
_lock = threading.Lock()


def is_api(request):
    """Whether the request is the JSON API's: its errors are problem details, not pages."""
    return request.path.startswith("/api/")


def is_database_outage(exception):
    return isinstance(exception, DATABASE_ERRORS)


def request_id(request):
    """The server's id of the request (audit.context), or a new one when the request failed
    before the audit middleware gave it one; kept on the request so that both agree."""
    audit = getattr(request, "audit", None)
    if audit is not None:
        return audit.request_id
    rid = getattr(request, "failure_request_id", None)
    if rid is None:
        rid = request.failure_request_id = uuid.uuid4().hex
    return rid


def _traceback_due(kind):
    now = time.monotonic()
    with _lock:
        last = _last_traceback.get(kind)
        if last is not None and now - last < TRACEBACK_EVERY:
            return False
        _last_traceback[kind] = now
        return True


def log_failure(request, exception, status):
    """One line per failed request; the traceback the first time a kind fails in a minute.
    A request that fails twice (the audit middleware writing after the view failed) logs once."""
    if getattr(request, "failure_logged", False):
        return
    request.failure_logged = True
    kind = f"{type(exception).__module__}.{type(exception).__qualname__}"
    with_traceback = _traceback_due(kind) or logger.isEnabledFor(logging.DEBUG)
    logger.log(
        logging.WARNING if status == 503 else logging.ERROR,
        "request failed: id=%s %s %s status=%s exception=%s",
        request_id(request),
        request.method,
        request.path,
        status,
        kind,
        exc_info=exception if with_traceback else None,
    )


def _language(request):
    # The failure may have come before the language middleware chose one (reading the session).
    return getattr(request, "LANGUAGE_CODE", None) or translation.get_language_from_request(request)


def unavailable_response(request):
    """503 with Retry-After: problem details under /api/, else the product's page. Drawn
    without the database or the request's context (the person is not known)."""
    headers = {"Retry-After": str(RETRY_AFTER), "X-Request-ID": request_id(request)}
    with translation.override(_language(request)):
        if is_api(request):
            response = problems.problem_response(
                503,
                "unavailable",
                _("Service unavailable"),
                _("The service is briefly unavailable. Please try again in a moment."),
                headers=headers,
            )
        else:
            page = loader.get_template("503.html").render()
            response = HttpResponse(page, status=503, headers=headers)
    # Logged by log_failure already; Django's request logger would add a line of its own.
    response._has_been_logged = True
    return response


def failure_response(request, exception):
    """The answer to an exception nothing else handled: 503 for a database outage, else None
    (the caller draws its 500 page)."""
    if is_database_outage(exception):
        log_failure(request, exception, 503)
        return unavailable_response(request)
    log_failure(request, exception, 500)
    return None
