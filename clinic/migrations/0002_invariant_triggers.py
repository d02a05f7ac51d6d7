from django.db import migrations

from clinic.dbtriggers import Trigger, run_python_operation

TRIGGERS = [
    Trigger(
        "clinic_provider_one_role",
        "clinic_careprovider",
        "EXISTS (SELECT 1 FROM clinic_client WHERE user_id = NEW.user_id)",
        "one role per user: this user is already a client",
    ),
    Trigger(
        "clinic_client_one_role",
        "clinic_client",
        "EXISTS (SELECT 1 FROM clinic_careprovider WHERE user_id = NEW.user_id)",
        "one role per user: this user is already a care provider",
    ),
    Trigger(
        "clinic_careteam_same_clinic",
        "clinic_careteammembership",
        "(SELECT clinic_id FROM clinic_client WHERE id = NEW.client_id)"
        " <> (SELECT clinic_id FROM clinic_careprovider WHERE id = NEW.provider_id)",
        "care-team members must belong to the client clinic",
    ),
]


class Migration(migrations.Migration):
    dependencies = [("clinic", "0001_initial")]

    operations = [run_python_operation(TRIGGERS)]
