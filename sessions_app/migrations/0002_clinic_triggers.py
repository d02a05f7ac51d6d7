from django.db import migrations

from clinic.dbtriggers import Trigger, run_python_operation


def _provider_clinic(column):
    return f"(SELECT clinic_id FROM clinic_careprovider WHERE id = NEW.{column})"


TRIGGERS = [
    Trigger(
        "sessions_session_same_clinic",
        "sessions_app_session",
        "NEW.clinic_id <> (SELECT clinic_id FROM clinic_client WHERE id = NEW.client_id)"
        f" OR NEW.clinic_id <> {_provider_clinic('provider_id')}"
        f" OR NEW.clinic_id <> {_provider_clinic('created_by_id')}"
        f" OR (NEW.closed_by_id IS NOT NULL AND NEW.clinic_id <> {_provider_clinic('closed_by_id')})",
        "a session, its client and its providers must belong to one clinic",
    ),
    Trigger(
        "sessions_feedback_same_clinic",
        "sessions_app_feedback",
        "NEW.clinic_id <> (SELECT s.clinic_id FROM sessions_app_session s"
        " JOIN sessions_app_assignment a ON a.session_id = s.id WHERE a.id = NEW.assignment_id)"
        f" OR NEW.clinic_id <> {_provider_clinic('author_id')}",
        "feedback belongs to the clinic of its session and author",
    ),
    Trigger(
        "sessions_message_same_clinic",
        "sessions_app_message",
        "NEW.clinic_id <> (SELECT clinic_id FROM sessions_app_session WHERE id = NEW.session_id)",
        "a message belongs to the clinic of its session",
    ),
]


class Migration(migrations.Migration):
    dependencies = [("sessions_app", "0001_initial"), ("clinic", "0002_invariant_triggers")]

    operations = [run_python_operation(TRIGGERS)]
