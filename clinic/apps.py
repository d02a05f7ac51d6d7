from django.apps import AppConfig


class ClinicConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "clinic"
    verbose_name = "Clinics and people"

    def ready(self):
        from . import checks, db, security  # noqa: F401 - deploy checks, receivers, db set-up
