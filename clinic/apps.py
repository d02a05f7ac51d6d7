from django.apps import AppConfig


class ClinicConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "clinic"
    verbose_name = "Clinics and people"

    def ready(self):
        # Registers the deploy checks and the log-in signal receiver.
        from . import checks, security  # noqa: F401
