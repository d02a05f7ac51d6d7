"""The OpenAPI schema: its view, the error responses every operation shares, and the last
touches drf-spectacular cannot make itself (postprocess)."""

import threading

from drf_spectacular.utils import OpenApiExample, OpenApiResponse
from drf_spectacular.views import SpectacularAPIView

from clinic.problems import CONTENT_TYPE, problem

from . import serializers as s
from .errors import TITLES

_generating = threading.Lock()


class SchemaView(SpectacularAPIView):
    """One generation at a time: drf-spectacular's is not thread-safe."""

    def _get_schema_response(self, request):
        with _generating:
            return super()._get_schema_response(request)


# --- error responses ---------------------------------------------------------------------------


def problem_example(status, code, detail, *, name=None, **extra):
    """An example problem body, as errors.problem_answer writes it (in English)."""
    body = problem(status, code, TITLES.get(code, code), detail, **extra)
    return OpenApiExample(name or code, value=body, status_codes=[str(status)])


def invalid_example(*errors, name="invalid"):
    """An example 400 from (field, code, message) triples."""
    listed = [{"field": field, "code": code, "message": message} for field, code, message in errors]
    detail = (
        listed[0]["message"]
        if len(listed) == 1
        else f"{len(listed)} values of the request are not valid; see errors."
    )
    return problem_example(400, "invalid", detail, name=name, errors=listed)


def bad_input(description, *examples):
    return OpenApiResponse(
        s.ValidationProblemSerializer, description=description, examples=list(examples)
    )


def conflict(description, *examples):
    return OpenApiResponse(s.ProblemSerializer, description=description, examples=list(examples))


def forbidden(detail):
    return OpenApiResponse(
        s.ProblemSerializer,
        description="Your role may not do this, or a provider has not set up two-factor "
        "authentication yet (`permission_denied`).",
        examples=[problem_example(403, "permission_denied", detail)],
    )


PAGE_INVALID = bad_input(
    "A `page` or `page_size` that is not a whole number from 1 up (`errors` names it).",
    invalid_example(("page_size", "invalid", "Give a whole number from 1 up.")),
)
DEFAULT_RESPONSES = {
    401: OpenApiResponse(
        s.ProblemSerializer,
        description="No valid token nor log-in: `not_authenticated` or `authentication_failed`.",
        examples=[
            problem_example(
                401, "not_authenticated", "Authentication credentials were not provided."
            ),
        ],
    ),
    403: forbidden("Only care providers can do this."),
    404: OpenApiResponse(
        s.ProblemSerializer,
        description="Not found, or not visible to you (`not_found`).",
        examples=[problem_example(404, "not_found", "Not found.")],
    ),
    415: OpenApiResponse(
        s.ProblemSerializer,
        description="A body that is not `application/json` (`unsupported_media_type`).",
        examples=[
            problem_example(
                415, "unsupported_media_type", 'Unsupported media type "text/plain" in request.'
            )
        ],
    ),
    422: OpenApiResponse(
        s.ProblemSerializer,
        description="`idempotency_key_reused`: the Idempotency-Key was used for another request.",
        examples=[
            problem_example(
                422,
                "idempotency_key_reused",
                "This Idempotency-Key was already used for another request. Use a new key "
                "for each new request.",
            )
        ],
    ),
    429: OpenApiResponse(
        s.ProblemSerializer,
        description="Too many requests (`throttled`): see Retry-After and the RateLimit headers.",
        examples=[
            problem_example(
                429, "throttled", "Request was throttled. Expected available in 42 seconds."
            )
        ],
    ),
}
# Every operation: not logged in, not allowed, throttled.
EVERYONE = (401, 403, 429)


def problems(*statuses, **by_status):
    """The error responses of an operation, as application/problem+json: the shared ones for
    `statuses`, and its own given as `e400=...`, `e409=...`."""
    responses = {status: DEFAULT_RESPONSES[status] for status in statuses}
    responses.update({int(name[1:]): response for name, response in by_status.items()})
    return {(status, CONTENT_TYPE): response for status, response in sorted(responses.items())}


# --- postprocess -------------------------------------------------------------------------------

NULL = {"Null": {"type": "object", "nullable": True, "enum": [None], "description": "No value."}}
# Response members sent only with some codes; every other member of an answer is always sent.
OPTIONAL_MEMBERS = {"Problem": {"unfinished", "sessions"}}
_RATE_LIMIT_HEADERS = {
    "RateLimit-Limit": "Requests allowed per window (per user).",
    "RateLimit-Remaining": "Requests left in the current window.",
    "RateLimit-Reset": "Seconds until the oldest request counted leaves the window, freeing "
    "one more.",
}
HEADERS = {
    **{
        name: {"description": text, "schema": {"type": "integer", "minimum": 0}}
        for name, text in _RATE_LIMIT_HEADERS.items()
    },
    "Location": {
        "description": "The API address of what was created, or of its session when it has "
        "none of its own.",
        "required": True,
        "schema": {"type": "string", "format": "uri"},
    },
    "Retry-After": {
        "description": "Seconds to wait before trying again.",
        "required": True,
        "schema": {"type": "integer", "minimum": 0},
    },
}


def _ref(kind, name):
    return {"$ref": f"#/components/{kind}/{name}"}


def _nullable_refs(node):
    """`allOf: [$ref], nullable: true` (drf-spectacular's) lets strict OpenAPI 3.0 validators
    refuse null, since `nullable` needs a `type` beside it: `oneOf` a reference or Null."""
    if isinstance(node, dict):
        all_of = node.get("allOf")
        if node.get("nullable") and all_of and len(all_of) == 1 and "$ref" in all_of[0]:
            del node["allOf"], node["nullable"]
            node["oneOf"] = [all_of[0], _ref("schemas", "Null")]
        for value in node.values():
            _nullable_refs(value)
    elif isinstance(node, list):
        for value in node:
            _nullable_refs(value)


def _defaults_outside_one_of(node):
    """Optional text is `oneOf` its pattern or empty, and drf-spectacular puts its default ("")
    in the first branch, whose pattern refuses it: the default belongs to the whole field."""
    if isinstance(node, dict):
        for branch in node.get("oneOf", ()):
            if isinstance(branch, dict) and "default" in branch:
                node["default"] = branch.pop("default")
        for value in node.values():
            _defaults_outside_one_of(value)
    elif isinstance(node, list):
        for value in node:
            _defaults_outside_one_of(value)


def _answers_required(schemas):
    """The API's answers always carry every member (null when empty): say so, so that
    generated clients do not type them as optional. Request bodies end in `Request`."""
    for name, component in schemas.items():
        if name.endswith("Request") or component.get("type") != "object":
            continue
        properties = component.get("properties", {})
        optional = OPTIONAL_MEMBERS.get(name, set())
        required = [member for member in properties if member not in optional]
        if required:
            component["required"] = required


def _headers(paths):
    for item in paths.values():
        for operation in item.values():
            for status, response in operation.get("responses", {}).items():
                names = [] if status == "401" else list(_RATE_LIMIT_HEADERS)
                if status == "201":
                    names.append("Location")
                if status == "429":
                    names.append("Retry-After")
                if names:
                    response["headers"] = {name: _ref("headers", name) for name in names}


def postprocess(result, generator, request, public):
    """drf-spectacular's POSTPROCESSING_HOOKS entry, after its enum hook."""
    components = result.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    _nullable_refs(result)
    _defaults_outside_one_of(schemas)
    schemas.update(NULL)
    _answers_required(schemas)
    _headers(result.get("paths", {}))
    components["headers"] = HEADERS
    return result
