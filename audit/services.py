"""record(): the one way anything writes to the audit trail."""

import logging

from django.db import router

from clinic.compiled import InsertOnce

from .context import current
from .models import AuditEvent

logger = logging.getLogger(__name__)


def _clean(value, length):
    # From the request: drop NUL bytes (PostgreSQL refuses them) and overflow, don't fail.
    return str(value or "").replace("\x00", "")[:length]


def _describe(user):
    if user is None or not getattr(user, "is_authenticated", False):
        return None, "", "", None
    profile = user.provider_profile or user.client_profile
    role = user.role or ("staff" if user.is_staff else "")
    return user, user.email, role, profile.clinic_id if profile else None


def record(
    *,
    action,
    user=None,
    obj=None,
    object_type="",
    object_id="",
    outcome=AuditEvent.Outcome.OK,
    request=None,
    status_code=None,
    email="",
    listed=None,
    clinic_id=None,
):
    """Append one event about `obj`; never pass free text written by a person."""
    who, user_email, role, own_clinic_id = _describe(user)
    # `clinic_id` given: the event is filed under that clinic (the owner of a refused record).
    clinic_id = clinic_id or own_clinic_id
    if obj is not None:
        object_type = object_type or obj._meta.model_name
        object_id = str(getattr(obj, "uuid", None) or obj.pk)
        clinic_id = getattr(obj, "clinic_id", None) or clinic_id
    info = current()
    event = AuditEvent(
        user=who,
        user_email=_clean(user_email or email, 254),
        role=role,
        clinic_id=clinic_id,
        action=_clean(action, 80),
        outcome=outcome,
        object_type=_clean(object_type, 40),
        object_id=_clean(object_id, 64),
        method=_clean(getattr(request, "method", None), 10),
        path=_clean(_full_path(request), 2000),
        status_code=status_code,
        ip=info.ip if info else None,
        request_id=info.request_id if info else "",
        client_request_id=_clean(info.client_request_id if info else "", 64),
        listed_ids=" ".join((listed or {}).get("ids", ())),
        listed_count=(listed or {}).get("count"),
    )
    _insert(event)


def _full_path(request):
    if request is None:
        return ""
    return request.get_full_path() if hasattr(request, "get_full_path") else request.path


# Every request inserts an event: the ORM writes the INSERT once per database, not per save().
_insert_event = InsertOnce(AuditEvent)


def _insert(event):
    _insert_event(event, using=router.db_for_write(AuditEvent, instance=event))
