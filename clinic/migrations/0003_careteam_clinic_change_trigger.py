from django.db import migrations

from clinic.dbtriggers import Trigger, run_python_operation

# 0002 checks a membership when it is written; these keep it true when the client or the
# provider later changes clinic.
TRIGGERS = [
    Trigger(
        "clinic_client_careteam_clinic",
        "clinic_client",
        "EXISTS (SELECT 1 FROM clinic_careteammembership m"
        " JOIN clinic_careprovider p ON p.id = m.provider_id"
        " WHERE m.client_id = NEW.id AND p.clinic_id <> NEW.clinic_id)",
        "care-team members must belong to the client clinic",
    ),
    Trigger(
        "clinic_provider_careteam_clinic",
        "clinic_careprovider",
        "EXISTS (SELECT 1 FROM clinic_careteammembership m"
        " JOIN clinic_client c ON c.id = m.client_id"
        " WHERE m.provider_id = NEW.id AND c.clinic_id <> NEW.clinic_id)",
        "care-team members must belong to the client clinic",
    ),
]


class Migration(migrations.Migration):
    dependencies = [("clinic", "0002_invariant_triggers")]

    operations = [run_python_operation(TRIGGERS)]
