"""The Celery app of CareSessions: configured from Django's settings (CELERY_*), tasks found
in each app's tasks.py. Run with `celery -A clinic worker` and `celery -A clinic beat`."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clinic.settings")

app = Celery("clinic")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
