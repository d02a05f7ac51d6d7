from django.apps import AppConfig


class ClinicConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "clinic"
    verbose_name = "Clinics and people"

    def ready(self):
        from . import authentication, checks, db, security  # noqa: F401 - checks, receivers, db
