"""The Celery app: Django's CELERY_* settings, tasks from each app's tasks.py."""

import os

from celery import Celery
from celery.signals import celeryd_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clinic.settings")

app = Celery("clinic")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@celeryd_init.connect
def _worker_broker_options(conf=None, **kwargs):
    """The settings' broker timeouts are a web process's (a publish must not hold a request);
    a worker waits on the broker for its jobs, so it reads with a longer timeout and retries
    its connection."""
    conf.broker_transport_options = {
        **conf.broker_transport_options,
        "max_retries": 3,
        "socket_connect_timeout": 2,
        "socket_timeout": 10,
    }
    conf.broker_connection_timeout = 4
