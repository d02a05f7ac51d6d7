from django.apps import apps

# Log-in sessions and the audit trail grow with every request, refused ones included:
# "changes nothing" is about the clinic's data.
NOT_DATA = {"sessions.Session", "audit.AuditEvent"}


def row_counts():
    """Rows in every table of the clinic's data, by model label."""
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.label not in NOT_DATA
    }
