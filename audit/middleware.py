import uuid

from django.apps import apps
from django.urls import Resolver404, resolve

from clinic.models import clinic_id_of

from . import context
from .models import AuditEvent
from .services import record

OBJECT_KWARGS = {
    "session_id": "session",
    "client_id": "client",
    "assignment_id": "assignment",
}
API_OBJECT_TYPES = {
    "api:session-detail": "session",
    "api:session-close": "session",
    "api:assignment-create": "session",
    "api:message-list": "session",
    "api:assignment-submit": "assignment",
    "api:feedback-create": "assignment",
}
NOT_AUDITED_PREFIXES = ("/static/", "/healthz", "/favicon.ico")
# Where a refused object's clinic is found, so that a probe is recorded under that clinic too.
OWNING_CLINIC = {
    "session": ("sessions_app.Session", "clinic_id"),
    "client": ("clinic.Client", "clinic_id"),
    "assignment": ("sessions_app.Assignment", "session__clinic_id"),
}


def _owning_clinic(object_type, object_id):
    if object_type not in OWNING_CLINIC:
        return None
    try:
        key = uuid.UUID(object_id)
    except ValueError:
        return None
    label, column = OWNING_CLINIC[object_type]
    model = apps.get_model(label)
    return model._default_manager.filter(uuid=key).values_list(column, flat=True).first()


def _target(request):
    match = getattr(request, "resolver_match", None)
    if match is None:
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return "", "", ""
    name = match.view_name or ""
    kwargs = match.kwargs
    for key, object_type in OBJECT_KWARGS.items():
        if key in kwargs:
            return name, object_type, str(kwargs[key])
    if name in API_OBJECT_TYPES and "id" in kwargs:
        return name, API_OBJECT_TYPES[name], str(kwargs["id"])
    if name.startswith("admin:") and "object_id" in kwargs:
        return name, *_admin_object(name, kwargs["object_id"])
    return name, "", ""


def _admin_object(name, object_id):
    # admin:<app>_<model>_<view>: report the model and, where it has one, its UUID.
    for model in apps.get_models():
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}_"
        if name.startswith(prefix):
            uuid = None
            if any(f.name == "uuid" for f in model._meta.fields) and str(object_id).isdigit():
                uuid = (
                    model._default_manager.filter(pk=object_id)
                    .values_list("uuid", flat=True)
                    .first()
                )
            return model._meta.model_name, str(uuid or object_id)
    return "", str(object_id)


class AuditMiddleware:
    """One event per logged-in request, refusals included; services also record their writes."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = context.begin(request)
        try:
            response = self.get_response(request)
            self.audit(request, response)
            response["X-Request-ID"] = request.audit.request_id
            return response
        finally:
            context.end(token)

    def audit(self, request, response):
        if request.path.startswith(NOT_AUDITED_PREFIXES):
            return
        # DRF authenticates inside the view and puts its user back on the request.
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return
        name, object_type, object_id = _target(request)
        status = response.status_code
        if status in (403, 404):
            outcome = AuditEvent.Outcome.DENIED
        elif status >= 400:
            outcome = AuditEvent.Outcome.FAILED
        else:
            outcome = AuditEvent.Outcome.OK
        listed = request.audit.listed
        if listed and not object_type:
            object_type = listed["object_type"]
        verb = "view" if request.method in ("GET", "HEAD") else "request"
        event = {
            "action": f"{verb}:{name or 'unknown'}",
            "user": user,
            "object_type": object_type,
            "object_id": object_id,
            "outcome": outcome,
            "request": request,
            "status_code": status,
        }
        record(**event, listed=listed)
        if outcome == AuditEvent.Outcome.DENIED and object_id:
            # Refused a record of another clinic: that clinic's admin sees the probe as well.
            owner = _owning_clinic(object_type, object_id)
            if owner is not None and owner != clinic_id_of(user):
                record(**event, clinic_id=owner)
