from django.apps import AppConfig


class ClinicConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "clinic"
    verbose_name = "Clinics and people"

    def ready(self):
        # Registers the deploy checks, the log-in signal receiver and the connection set-up.
        from . import checks, db, security  # noqa: F401
