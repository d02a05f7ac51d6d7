"""RFC 9457 problem details: the one shape of every API error (4xx and 5xx).

`type` names the kind of problem as a URN built from the stable `code` (it is an identifier, not
a page to fetch); `title` is the short, translated name of that kind; `detail` this occurrence.
"""

from django.http import JsonResponse

CONTENT_TYPE = "application/problem+json"
TYPE_PREFIX = "urn:caresessions:problem:"


def problem(status, code, title, detail, **extra):
    """The body of a problem: the five standard members, then any extension members."""
    body = {
        "type": TYPE_PREFIX + code,
        "title": str(title),
        "status": status,
        "detail": str(detail),
        "code": code,
    }
    body.update(extra)
    return body


def problem_response(status, code, title, detail, *, headers=None, **extra):
    """A problem as a plain Django response, for answers given outside DRF (middleware)."""
    return JsonResponse(
        problem(status, code, title, detail, **extra),
        status=status,
        content_type=CONTENT_TYPE,
        headers=headers,
    )
